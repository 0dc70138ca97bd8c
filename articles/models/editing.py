"""Who has an article open, and unsaved text kept safe on the server."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# A presence notice expires on its own when the editor stops sending heartbeats.
PRESENCE_TTL = timedelta(seconds=120)


class EditPresenceQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(last_seen__gte=(now or timezone.now()) - PRESENCE_TTL)


class EditPresence(models.Model):
    """ "Đang được sửa bởi …": refreshed while a change form is open (like WordPress's lock)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="presences"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    objects = EditPresenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="unique_presence")]

    def __str__(self):
        return f"{self.user} @ {self.article_id}"


class Autosave(models.Model):
    """The last unsaved state of a user's form (every ~30 s), recovered after a lost session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The article's id, or "new" for an article not saved yet.
    key = models.CharField(max_length=32)
    base_version = models.PositiveIntegerField(default=0)
    content = models.JSONField()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_autosave")]

    def __str__(self):
        return f"{self.user} / {self.key}"
