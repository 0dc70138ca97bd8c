"""The article screen's side panel and notices: ready values for the writing screen.

What the template shows besides the fields — the status and who moved the article
last, the steps this user may take now (the next one first, the ones that send it
back set apart), the checklist with the photos to fix in place, the counts, the
returned notice — is computed here, so the template only lays it out.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from articles import checklist
from articles.editing import display_name
from articles.models import TRANSITIONS, Article, Author, Status
from articles.photo_library import photo_edit_refusal, visible_photos
from articles.renditions import thumbnail_url
from articles.text import article_datetime, parse_number

# How each step reads on its button, and how it looks: the step forward is the
# primary button; steps that send the article back or take it off the site are
# "danger"; the others plain.
BUTTONS = {
    "submit": (_("Gửi biên tập"), "primary"),
    "forward": (_("Chuyển duyệt"), "primary"),
    "publish": (_("Xuất bản"), "primary"),
    "reinstate": (_("Đưa về chờ duyệt"), "secondary"),
    "return": (_("Trả lại phóng viên"), "danger"),
    "unpublish": (_("Rút về chờ duyệt"), "danger"),
    "take_down": (_("Gỡ bài"), "danger"),
}
# Which available step is "the next one" (a managing editor may publish what the
# section editor would only forward).
PRIMARY_ORDER = ["publish", "forward", "submit", "reinstate"]
SCHEDULED_LABEL = _("Hẹn giờ xuất bản")

# Events that move the article along the chain (what "moved last by" reports).
MOVES = [*TRANSITIONS, "import"]

PHOTO_TEXT_PREFIX = "photo_text"


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    style: str  # primary, secondary, danger
    needs_reason: bool


def steps_for(actions):
    """The buttons for the transitions `actions` (from `Article.allowed_actions`)."""
    available = {t.action: t for t in actions}
    primary = next((a for a in PRIMARY_ORDER if a in available), None)
    steps = []
    for action, transition in available.items():
        label, style = BUTTONS.get(action, (transition.label, "secondary"))
        if style == "primary" and action != primary:
            style = "secondary"
        steps.append(Step(action, label, style, transition.needs_reason))
    order = {"primary": 0, "secondary": 1, "danger": 2}
    return sorted(steps, key=lambda step: order[step.style])


def pen_name_of(user):
    """The writer's own byline for a new article: their first pen name."""
    return Author.objects.filter(user=user).order_by("pk").first()


# -- photos whose caption and credit can be fixed on the article screen --


def photo_text_name(photo_id, part):
    return f"{PHOTO_TEXT_PREFIX}-{photo_id}-{part}"


def photo_card(photo, user, data=None, *, places=(), missing=()):
    """What the screen needs to show a photo and let `user` fix its caption and credit
    in place (or say why not). `data`: the posted form, so a re-shown form keeps what
    was typed."""
    refusal = photo_edit_refusal(user, photo)
    data = data or {}
    return {
        "photo": photo,
        "thumb": thumbnail_url(photo),
        "caption": data.get(photo_text_name(photo.pk, "caption"), photo.caption),
        "credit": data.get(photo_text_name(photo.pk, "credit"), photo.credit),
        "caption_name": photo_text_name(photo.pk, "caption"),
        "credit_name": photo_text_name(photo.pk, "credit"),
        "editable": refusal is None,
        "refusal": refusal or "",
        "places": ", ".join(places),
        "missing": " và ".join(missing),
    }


# -- the context --


def desk_context(request, article, form, *, can_change, view_on_site_url=None):
    user = request.user
    existing = article is not None and article.pk is not None
    data = request.POST if request.method == "POST" else None
    context = {
        "headline_limit": settings.HEADLINE_HOUSE_LIMIT,
        "sapo_limit": settings.SAPO_HOUSE_LIMIT,
        "headline_max": Article._meta.get_field("title").max_length,
        "can_change": can_change,
        "is_publisher": checklist.can_override(user),
    }
    title = _field_value(form, "title", article)
    sapo = _field_value(form, "sapo", article)
    body = _field_value(form, "body", article)
    context["counts"] = {
        "title": checklist.char_count(title),
        "sapo": checklist.char_count(sapo),
        "body": checklist.body_counts(body),
    }

    status = article.status if existing else Status.DRAFT
    context["status"] = {
        "value": "scheduled" if existing and article.is_scheduled else status,
        "label": article.status_label if existing else Status.DRAFT.label,
        "published_at": (
            article_datetime(article.published_at)
            if existing and article.published_at and status == Status.PUBLISHED
            else ""
        ),
    }
    context["save_label"] = _("Lưu nháp") if status in {Status.DRAFT, Status.RETURNED} else _("Lưu")
    if existing:
        context.update(_history_context(article))
        context["view_on_site_url"] = view_on_site_url
        preview = reverse("admin:articles_article_preview", args=[article.pk])
        context["preview_url"] = None if view_on_site_url else preview
        context["history_url"] = reverse("admin:articles_article_history", args=[article.pk])

    actions = article.allowed_actions(user) if existing and can_change else []
    if not existing and user.has_perm("articles.add_article"):
        actions = [TRANSITIONS["submit"]]
    steps = steps_for(actions)
    context["steps"] = steps
    for style in ("primary", "secondary", "danger"):
        context[f"{style}_steps"] = [step for step in steps if step.style == style]
    context["reason_steps"] = [step for step in steps if step.needs_reason]
    context["can_schedule"] = "publish_at" in form.fields and any(
        step.action == "publish" for step in steps
    )
    context["scheduled_label"] = SCHEDULED_LABEL
    context["reason_open"] = bool(form.errors.get("workflow_reason"))
    context["reason_action"] = (data or {}).get("_transition", "")

    # The checklist, as saved (it is what approval and publishing will see).
    if existing:
        findings = checklist.evaluate(article)
        failed = checklist.failures(findings)
        soft = [finding for finding in failed if finding.soft]
        context["checklist"] = {
            "findings": findings,
            "failed": len(failed),
            "passed": len(findings) - len(failed),
            "hard": len(failed) - len(soft),
            "soft_rules": ",".join(finding.rule for finding in soft),
            "can_override": bool(soft) and "override_reason" in form.fields,
        }
        lead_id = article.lead_photo_id
        context["photo_fixes"] = [
            photo_card(p.photo, user, data, places=p.places, missing=p.missing)
            for finding in failed
            for p in finding.photos
            if p.photo.pk != lead_id
        ]
    context["lead"] = _lead_photo_card(form, article, user, data)
    return context


def _field_value(form, name, article):
    if form.is_bound and name in form.fields:
        return form.data.get(name, "")
    if name in form.initial:
        return form.initial[name] or ""
    return getattr(article, name, "") if article is not None else ""


def _lead_photo_card(form, article, user, data):
    """The lead photo now chosen (the posted one when the form is shown again)."""
    photo = None
    if form.is_bound and "lead_photo" in form.fields:
        photo_id = parse_number(form.data.get("lead_photo"))
        if photo_id is not None:
            photo = visible_photos(user).filter(pk=photo_id).first()
    elif article is not None and article.lead_photo_id:
        photo = article.lead_photo
    return photo_card(photo, user, data) if photo else None


def _history_context(article):
    """Who moved the article last (and when), who saved it last, and for a returned
    article the editor's reason."""
    events = article.events.select_related("actor")
    moved = events.filter(action__in=MOVES).first()
    context = {
        "last_move": (
            {
                "label": moved.action_label,
                "who": display_name(moved.actor) if moved.actor else _("hệ thống"),
                "when": article_datetime(moved.created_at),
            }
            if moved
            else None
        ),
        "last_saved": {
            "who": display_name(article.updated_by) if article.updated_by else "—",
            "when": article_datetime(article.updated_at),
        },
    }
    if article.status == Status.RETURNED:
        returned = events.filter(action="return").first()
        if returned:
            context["returned"] = {
                "who": display_name(returned.actor) if returned.actor else _("biên tập viên"),
                "when": article_datetime(returned.created_at),
                "reason": returned.reason,
            }
    return context


# -- the JSON the screen asks for when the lead photo changes --


class DeskMixin:
    def get_urls(self):
        return [
            path(
                "photo-info/<int:photo_id>/",
                self.admin_site.admin_view(self.photo_info_view),
                name="articles_article_photo_info",
            )
        ] + super().get_urls()

    def photo_info_view(self, request, photo_id):
        """A library photo the user may see: thumbnail, caption, credit, and whether
        they may change those here (and if not, why)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise Http404
        photo = visible_photos(request.user).filter(pk=photo_id).first()
        if photo is None:
            raise Http404
        card = photo_card(photo, request.user)
        return JsonResponse(
            {
                "id": photo.pk,
                "thumb": card["thumb"],
                "caption": photo.caption,
                "credit": photo.credit,
                "alt": photo.alt,
                "editable": card["editable"],
                "refusal": card["refusal"],
                "caption_name": card["caption_name"],
                "credit_name": card["credit_name"],
            }
        )
