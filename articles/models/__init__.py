"""Newsroom content; one module per concern, every name re-exported here."""

from articles.models.article import (
    Article,
    ArticlePhoto,
    ArticleQuerySet,
    Byline,
    TransitionNotAllowed,
)
from articles.models.author import Author
from articles.models.category import RESERVED_SLUGS, Category
from articles.models.photo import Photo, photo_upload_to
from articles.models.site import SiteSettings

__all__ = [
    "RESERVED_SLUGS",
    "Article",
    "ArticlePhoto",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Category",
    "Photo",
    "SiteSettings",
    "TransitionNotAllowed",
    "photo_upload_to",
]
