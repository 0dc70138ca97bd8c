"""Newsroom content; one module per concern, every name re-exported here."""

from articles.models.article import (
    ALLOWED_TRANSITIONS,
    TRANSITIONS,
    Article,
    ArticlePhoto,
    ArticleQuerySet,
    Byline,
    RelatedArticle,
    Status,
    TransitionForbidden,
    TransitionNotAllowed,
)
from articles.models.author import Author
from articles.models.category import RESERVED_SLUGS, Category
from articles.models.correction import Correction
from articles.models.editing import Autosave, EditPresence
from articles.models.history import ArticleEvent, ArticleRevision, ArticleTombstone
from articles.models.photo import Photo, Rendition, photo_upload_to
from articles.models.preview import PreviewLink
from articles.models.readership import ArticleViewCount, ArticleViewTotal
from articles.models.search import ArticleSearch, index_articles
from articles.models.site import SiteSettings
from articles.models.tag import ArticleTag, Tag
from articles.models.thread import EventThread

__all__ = [
    "ALLOWED_TRANSITIONS",
    "RESERVED_SLUGS",
    "TRANSITIONS",
    "ArticleEvent",
    "ArticleTag",
    "ArticleViewCount",
    "ArticleViewTotal",
    "EventThread",
    "RelatedArticle",
    "Tag",
    "ArticleRevision",
    "ArticleTombstone",
    "ArticleSearch",
    "Autosave",
    "Correction",
    "EditPresence",
    "PreviewLink",
    "Rendition",
    "Status",
    "TransitionForbidden",
    "Article",
    "ArticlePhoto",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Category",
    "Photo",
    "SiteSettings",
    "TransitionNotAllowed",
    "index_articles",
    "photo_upload_to",
]
