"""Model fields that keep text clean at the one place every write passes through.

Normalising in `pre_save` covers forms, the shell, management commands and
`bulk_create` alike, so no code path can store NFD text or invisible characters.
"""

from django import forms
from django.db import models

from articles.richtext import sanitize_html
from articles.text import clean_line, clean_text


class Cleaned(str):
    """Text a field's cleaner has already produced (in `pre_save`), marked with that
    cleaner, so the save does not clean it a second time (sanitising a long body twice
    per save was a third of the bulk seeder's time). Only the same cleaner trusts it: a
    title cleaned as a line is not a sanitised body."""

    __slots__ = ("cleaned_by",)


class CleanedFormField(forms.CharField):
    """A form's text input that cleans as the model field will (NFC first), before its
    validators run: a title pasted in NFD counts its length as it will be stored (a
    272-character title is 370 code points in NFD, yet within the 300 limit)."""

    cleaner = staticmethod(clean_text)

    def to_python(self, value):
        value = super().to_python(value)
        return self.cleaner(value) if isinstance(value, str) and value else value


class CleanedLineFormField(CleanedFormField):
    cleaner = staticmethod(clean_line)


class _CleaningMixin:
    cleaner = staticmethod(clean_text)
    form_class = None  # the form field that cleans the same way, if any

    def _clean(self, value):
        if type(value) is Cleaned and value.cleaned_by is self.cleaner:
            return value
        cleaned = Cleaned(self.cleaner(value))
        cleaned.cleaned_by = self.cleaner
        return cleaned

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = self._clean(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        if self.form_class is not None and not self.choices:
            kwargs.setdefault("form_class", self.form_class)
        return super().formfield(**kwargs)

    def get_prep_value(self, value):
        """Every write to the database passes here (save, bulk_create, update(),
        lookups): text not yet cleaned by this field's cleaner is cleaned now."""
        value = super().get_prep_value(value)
        return str(self._clean(value)) if isinstance(value, str) else value


class LineField(_CleaningMixin, models.CharField):
    """One line of text (titles, names): NFC, no invisible characters, single spaces."""

    cleaner = staticmethod(clean_line)
    form_class = CleanedLineFormField


class NFCTextField(_CleaningMixin, models.TextField):
    """Plain multi-line text: NFC, no invisible or control characters."""

    form_class = CleanedFormField


class RichTextField(_CleaningMixin, models.TextField):
    """Article HTML: sanitised against our allowlist on every save."""

    cleaner = staticmethod(sanitize_html)
