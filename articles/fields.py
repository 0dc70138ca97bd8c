"""Model fields that keep text clean at the one place every write passes through.

Normalising in `pre_save` covers forms, the shell, management commands and
`bulk_create` alike, so no code path can store NFD text or invisible characters.
"""

from django.db import models

from articles.richtext import sanitize_html
from articles.text import clean_line, clean_text


class _CleaningMixin:
    cleaner = staticmethod(clean_text)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = self.cleaner(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.cleaner(value) if isinstance(value, str) else value


class LineField(_CleaningMixin, models.CharField):
    """One line of text (titles, names): NFC, no invisible characters, single spaces."""

    cleaner = staticmethod(clean_line)


class NFCTextField(_CleaningMixin, models.TextField):
    """Plain multi-line text: NFC, no invisible or control characters."""


class RichTextField(_CleaningMixin, models.TextField):
    """Article HTML: sanitised against our allowlist on every save."""

    cleaner = staticmethod(sanitize_html)
