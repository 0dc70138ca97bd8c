"""A guarded replacement for the admin's "view on site" shortcut (/admin/r/<ct>/<id>/).

Django's own shortcut redirects any staff user to `get_absolute_url()` with no check:
the redirect reveals a draft's slug (its headline) and a preview link's secret token.
Here only objects readers can already see redirect; everything else is a 404 that
says nothing about the object.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect

from articles.models import Article, Author, Category, EventThread, Tag
from articles.text import parse_number


def public_url(obj):
    """The address readers may open for `obj`, or None if it is not public."""
    if isinstance(obj, Article):
        return obj.get_absolute_url() if obj.is_published and not obj.is_deleted else None
    if isinstance(obj, (Category, Author)):
        return obj.get_absolute_url()
    # A tag's or thread's page exists once one of its articles is published.
    if isinstance(obj, Tag) and Article.objects.published().tagged(obj).exists():
        return obj.get_absolute_url()
    if isinstance(obj, EventThread) and Article.objects.published().in_thread(obj).exists():
        return obj.get_absolute_url()
    return None  # preview links, and any model not known to be public


@staff_member_required
def view_on_site(request, content_type_id, object_id):
    pk = parse_number(object_id)
    if pk is None:
        raise Http404
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None:
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    url = public_url(obj) if obj is not None else None
    if url is None:
        raise Http404
    return redirect(url)
