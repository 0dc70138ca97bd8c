"""One function per editorial operation, with every side effect in one place.

The article's own methods are the guard (`check_transition`, `can_*`) and the state
change (`move`); these functions call them inside a transaction and do what follows
from the operation: the audit event, a revision when the content changed, the
edit-presence clean-up, and (after commit) whatever listens to `article_changed`
(page caches, search index). The admin, bulk actions, commands and the demo data
all go through here.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import checklist
from articles.models import (
    Article,
    ArticleEvent,
    ArticleTag,
    ArticleTombstone,
    EditPresence,
    Status,
    Tag,
    TransitionForbidden,
    TransitionNotAllowed,
)
from articles.models.article import clean_reason
from articles.photo_library import photo_edit_refusal
from articles.revisions import put_back, record_revision, record_revision_if_changed
from articles.text import clean_line, clean_name, clean_text, name_key

# Sent after the transaction commits, whenever what readers may see of an article can
# have changed: `article` is the saved instance (possibly trashed or purged).
article_changed = Signal()


def _announce(article):
    transaction.on_commit(lambda: article_changed.send(sender=Article, article=article))


def _event(article, *, by, action, reason="", previous=None, scheduled_for=None):
    return ArticleEvent.objects.create(
        article=article,
        actor=by,
        action=action,
        from_status=previous or article.status,
        to_status=article.status,
        reason=reason,
        scheduled_for=scheduled_for,
    )


def record_refusal(article, action, *, by, refusal):
    """A step the user asked for and was refused: kept in the history too (who, when,
    from where, what and why). Called after the refused transaction rolled back."""
    message = str(refusal.args[0]) if getattr(refusal, "args", None) else str(refusal)
    return ArticleEvent.objects.create(
        article_id=article.pk,
        actor=by,
        action="refused",
        from_status=article.status,
        to_status=article.status,
        reason=f"{ArticleEvent.ACTION_LABELS.get(action, action)}: {message}"[:2000],
    )


def transition_article(article, action, *, by, reason="", at=None, override=None):
    """Move `article` one step along the editorial chain as `by`, and record it.

    Approval and publishing must pass the pre-publish checklist (`articles.checklist`);
    `override` (a `checklist.Override`) lets whoever may publish go past its soft
    rules with a reason, recorded as a "checklist_override" event.

    Raises TransitionNotAllowed (ChecklistRefused when the checklist stops it) or
    TransitionForbidden; on refusal nothing changes but a "refused" event in the
    history (no revision). The row is locked for the move, so two editors pressing
    buttons at once cannot both move it.
    """
    try:
        locked, transition = _transition(
            article, action, by=by, reason=reason, at=at, override=override
        )
    except (TransitionNotAllowed, TransitionForbidden) as refusal:
        record_refusal(article, action, by=by, refusal=refusal)
        raise
    # The caller's instance reflects the move.
    for name in ("status", "published_at", "first_published_at", "updated_by", "updated_at"):
        setattr(article, name, getattr(locked, name))
    return transition


def _transition(article, action, *, by, reason, at, override):
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        transition = locked.check_transition(action, by=by, reason=reason, at=at)
        waived = checklist.enforce(locked, transition, by=by, override=override)
        if waived:
            _event(locked, by=by, action="checklist_override",
                   reason=checklist.override_note(waived, override.reason))  # fmt: skip
        previous = locked.status
        locked.move(transition, by=by, at=at)
        _event(
            locked,
            by=by,
            action=action,
            reason=clean_reason(reason),
            previous=previous,
            scheduled_for=locked.published_at if action == "publish" else None,
        )
        record_revision_if_changed(locked, user=by, note=str(transition.label))
        # Whoever moved it is done with it (a reporter who submits may no longer edit).
        EditPresence.objects.filter(article=locked, user=by).delete()
        _announce(locked)
    return locked, transition


class PhotoLocked(PermissionDenied):
    """The user may not change this library photo's caption or credit."""


def update_photo_text(photo, *, by, caption=None, credit=None):
    """Change a library photo's caption and/or credit (None: leave it) from the article
    screen, under the photo library's own rule (`photo_library.can_edit_photo`): the
    text is printed with every article using the photo, live ones included.

    Returns True if something changed; raises PhotoLocked with the reason otherwise.
    """
    values = {}
    if caption is not None and clean_text(caption).strip() != photo.caption:
        values["caption"] = clean_text(caption).strip()
    if credit is not None and clean_line(credit) != photo.credit:
        values["credit"] = clean_line(credit)
    if not values:
        return False
    refusal = photo_edit_refusal(by, photo)
    if refusal:
        raise PhotoLocked(refusal)
    for name, value in values.items():
        setattr(photo, name, value)
    photo.save(update_fields=list(values))
    return True


def record_edit(article, *, by, created, action=None):
    """After the article's content was saved (form, import): the event and revision,
    only if something changed (saving an untouched form leaves no trace)."""
    revision = record_revision_if_changed(article, user=by)
    if revision is not None or created:
        _event(article, by=by, action=action or ("create" if created else "edit"))
    _announce(article)
    return revision


def publish_imported(article, *, by=None, published_at, reason=""):
    """Make an article public outside the chain (import of an already-published
    article, demo data): its claimed publish time is kept for display, and the
    retention clock starts now."""
    with transaction.atomic():
        previous = article.status
        article.status = Status.PUBLISHED
        article.published_at = published_at
        article.record_first_publication()
        article.updated_by = by
        article.save()
        _event(
            article,
            by=by,
            action="import",
            reason=reason,
            previous=previous,
            scheduled_for=published_at,
        )
        record_revision_if_changed(article, user=by, note=str(_("Nhập bài")))
        _announce(article)
    return article


def restore_revision(revision, *, by):
    """Put an earlier revision's content back; saved as a new revision (nothing lost)."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        article.version += 1
        article.updated_by = by
        put_back(article, revision.content)
        _event(article, by=by, action="restore_revision", reason=f"#{revision.number}")
        new = record_revision(article, user=by, note=f"Khôi phục từ phiên bản #{revision.number}")
        _announce(article)
    return new


# -- trash (soft delete) and purge --


def trash_article(article, *, by):
    if not article.can_delete(by):
        refusal = TransitionForbidden(_("Bạn không được xóa bài này."))
        record_refusal(article, "trash", by=by, refusal=refusal)
        raise refusal
    with transaction.atomic():
        article.deleted_at = timezone.now()
        article.updated_by = by
        article.save(update_fields=["deleted_at", "updated_by", "updated_at"])
        _event(article, by=by, action="trash")
        _announce(article)


def untrash_article(article, *, by):
    if not (article.is_deleted and by.has_perm("articles.delete_article")):
        raise TransitionForbidden(_("Bài không ở thùng rác hoặc bạn không có quyền."))
    if not (article.is_owned_by(by) or article.can_edit(by)):
        raise TransitionForbidden(_("Bạn không có quyền lấy lại bài này."))
    with transaction.atomic():
        article.deleted_at = None
        article.updated_by = by
        article.save(update_fields=["deleted_at", "updated_by", "updated_at"])
        _event(article, by=by, action="untrash")
        _announce(article)


def purge_article(article, *, by):
    """Delete an article for good, keeping its audit trail and a tombstone.

    Only from the trash, by whoever may take articles down, and never within the
    retention period counted from its first publication.
    """
    if not article.can_purge(by):
        raise TransitionForbidden(
            _("Bài đã xuất bản phải được lưu ít nhất 12 tháng, hoặc bạn không có quyền.")
        )
    with transaction.atomic():
        ArticleTombstone.objects.create(
            article_id=article.pk,
            title=article.title,
            slug=article.slug,
            status=article.status,
            published_at=article.published_at,
            first_published_at=article.first_published_at,
            created_by=article.created_by,
            purged_by=by,
            revision_count=article.revisions.count(),
        )
        _event(article, by=by, action="purge")
        article.delete()  # events stay: their link to the article has no FK constraint
        _announce(article)


# -- tags --


def unique_tag_names(names):
    """The names cleaned (NFC, invisible characters, spaces), empty ones dropped, and
    one per tag (`name_key`): the first spelling wins."""
    seen, unique = set(), []
    for name in names:
        name = clean_name(name)
        key = name_key(name)
        if name and key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def tag_named(name):
    """The tag a name denotes, created if new (whatever case or invisible characters)."""
    name = clean_name(name)
    tag, _created = Tag.objects.get_or_create(key=name_key(name), defaults={"name": name})
    return tag


def set_article_tags(article, names):
    """Tag `article` with these names, in this order: existing tags are reused whatever
    the spelling typed ("hà nội" is the tag "Hà Nội"), new ones created. Rows of tags
    no longer wanted are removed. Readers' pages follow after commit."""
    names = unique_tag_names(names)
    with transaction.atomic():
        tags = {tag.key: tag for tag in Tag.objects.matching(names)}
        wanted = []
        for name in names:
            key = name_key(name)
            if key not in tags:
                tags[key] = tag_named(name)
            wanted.append(tags[key])
        rows = {row.tag_id: row for row in ArticleTag.objects.filter(article=article)}
        keep = {tag.pk for tag in wanted}
        ArticleTag.objects.filter(article=article).exclude(tag_id__in=keep).delete()
        for position, tag in enumerate(wanted):
            row = rows.get(tag.pk)
            if row is None:
                ArticleTag.objects.create(article=article, tag=tag, position=position)
            elif row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        _announce(article)
    return wanted
