"""Working on an article in the newsroom: queues, presence, autosave, conflicts, trash."""

import json

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from articles.models import (
    Article,
    ArticleEvent,
    Autosave,
    EditPresence,
    PreviewLink,
    Status,
)
from articles.models.editing import PRESENCE_TTL
from articles.revisions import compare
from articles.text import article_datetime, clean_text

# The admin home's queues: key, label, and how to narrow a queryset to it.
QUEUES = [
    ("cua-toi", _("Bài của tôi"), lambda qs, user: qs.owned_by(user)),
    ("cho-bien-tap", _("Chờ biên tập"), lambda qs, user: qs.with_status(Status.SUBMITTED)),
    ("cho-duyet", _("Chờ duyệt"), lambda qs, user: qs.with_status(Status.EDITED)),
    ("hen-gio", _("Hẹn giờ"), lambda qs, user: qs.scheduled()),
    ("bi-tra-lai", _("Bị trả lại"), lambda qs, user: qs.with_status(Status.RETURNED)),
    (
        "xuat-ban-hom-nay",
        _("Đã xuất bản hôm nay"),
        lambda qs, user: qs.published_since(start_of_today()),
    ),
]


# Queues whose articles wait for an editor: listed oldest first, by when they were sent.
REVIEW_QUEUES = frozenset({"cho-bien-tap", "cho-duyet"})

# The moves that put an article in front of an editor ("sent at" in the queues).
SENT_ACTIONS = ("submit", "forward")


def queue_label(key):
    """The queue's name ("Chờ biên tập") for its key, or None."""
    return next((label for queue_key, label, _build in QUEUES if queue_key == key), None)


def with_queue_facts(queryset):
    """Annotate each article with what a queue shows beside it, computed in the list's
    own query (no query per row): when it was last sent on (`sent_at`) and by whom
    (`sent_by_name`, `sent_by_username`), and the reason it was last returned."""
    sent = ArticleEvent.objects.filter(article=OuterRef("pk"), action__in=SENT_ACTIONS).order_by(
        "-created_at", "-id"
    )
    returned = ArticleEvent.objects.filter(article=OuterRef("pk"), action="return").order_by(
        "-created_at", "-id"
    )
    full_name = Concat(
        "actor__first_name", Value(" "), "actor__last_name", output_field=CharField()
    )
    return queryset.annotate(
        sent_at=Subquery(sent.values("created_at")[:1]),
        sent_by_name=Subquery(sent.annotate(name=full_name).values("name")[:1]),
        sent_by_username=Subquery(sent.values("actor__username")[:1]),
        return_reason=Subquery(returned.values("reason")[:1]),
    )


def start_of_today():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def queue_counts(user):
    """Each queue with the number of articles this user can see in it."""
    visible = Article.objects.alive().visible_to(user)
    return [
        {"key": key, "label": label, "count": build(visible, user).count()}
        for key, label, build in QUEUES
    ]


# -- presence ("Đang được sửa bởi …") --


def mark_presence(article, user):
    """Note that `user` has the article open now (called on open and by the heartbeat)."""
    now = timezone.now()
    presence, created = EditPresence.objects.get_or_create(
        article=article, user=user, defaults={"since": now, "last_seen": now}
    )
    if not created:
        if presence.last_seen < now - PRESENCE_TTL:
            presence.since = now  # a new editing session after the old one expired
        presence.last_seen = now
        presence.save(update_fields=["since", "last_seen"])
    return presence


def release_presence(article, user):
    EditPresence.objects.filter(article=article, user=user).delete()


def others_editing(article, user):
    return list(
        EditPresence.objects.active()
        .filter(article=article)
        .exclude(user=user)
        .select_related("user")
    )


def display_name(user):
    return user.get_full_name() or user.get_username()


def presence_notice(presence):
    since = date_format(timezone.localtime(presence.since), "H:i d/m/Y")
    return f"Đang được sửa bởi {display_name(presence.user)} từ {since}"


# -- autosave: unsaved text survives an expired session --


def autosave_key(article):
    return str(article.pk) if article is not None and article.pk else "new"


AUTOSAVED_FIELDS = ["title", "slug", "sapo", "body", "source"]


def store_autosave(user, key, data, base_version=0):
    # Cleaned like the fields themselves (PostgreSQL's jsonb cannot store NUL).
    content = {name: clean_text(str(data.get(name, ""))) for name in AUTOSAVED_FIELDS}
    autosave, _created = Autosave.objects.update_or_create(
        user=user,
        key=key,
        defaults={"content": content, "saved_at": timezone.now(), "base_version": base_version},
    )
    return autosave


def pending_autosave(user, article):
    """This user's unsaved text for the article, if it differs from what is saved.

    Offered even when someone else saved the article after it (that save does not
    make this user's unsaved work obsolete; their own save deletes it).
    """
    autosave = Autosave.objects.filter(user=user, key=autosave_key(article)).first()
    if autosave is None:
        return None
    if article is not None and article.pk:
        current = {name: getattr(article, name) for name in AUTOSAVED_FIELDS}
        if all(current[name] == autosave.content.get(name, "") for name in AUTOSAVED_FIELDS):
            return None
    return autosave


def forget_autosave(user, article):
    """After a save: the autosave of that form is obsolete (only that one; an unsaved new
    article written in another tab keeps its own)."""
    Autosave.objects.filter(user=user, key=autosave_key(article)).delete()


# -- edit conflicts --


def conflict_details(article, base_version, submitted):
    """What the stale form needs to show: who saved, when, and how their text differs."""
    mine = {name: submitted.get(name, getattr(article, name)) for name in AUTOSAVED_FIELDS}
    theirs = {name: getattr(article, name) for name in AUTOSAVED_FIELDS}
    user = article.updated_by
    return {
        "who_when": {
            "user": display_name(user) if user else _("người khác"),
            "time": article_datetime(article.updated_at),
        },
        "base_version": base_version,
        "current_version": article.version,
        "rows": compare(theirs, mine),
    }


# -- what the change form shows besides the fields --


def change_form_context(request, article, form):
    user = request.user
    existing = article is not None and article.pk is not None
    autosave = pending_autosave(user, article)
    context = {
        "presence_notices": (
            [presence_notice(p) for p in others_editing(article, user)] if existing else []
        ),
        "conflict": getattr(form, "conflict", None),
        "autosave": autosave,
        # Someone saved the article after this unsaved text: restoring replaces their version.
        "autosave_outdated": bool(
            autosave and existing and autosave.base_version < article.version
        ),
        "autosave_json": json.dumps(autosave.content, ensure_ascii=False) if autosave else "",
        "autosave_time": article_datetime(autosave.saved_at) if autosave else "",
        "autosave_key": autosave_key(article),
        "preview_links": (
            list(PreviewLink.objects.usable().filter(article=article)) if existing else []
        ),
    }
    return context
