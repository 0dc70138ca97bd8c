"""Our Vietnamese catalogue (locale/vi): compiled, complete and in effect.

- The committed .mo files are what msgfmt makes of the .po files, so nobody has to
  remember to recompile, and `make run` needs no gettext tools.
- Every string of the Django catalogues the newsroom shows (admin and its JavaScript,
  auth, contenttypes, humanize, Django's forms and error pages) has a Vietnamese
  translation: Django's own, or ours where Django's vi lacks it. A Django upgrade that
  adds English strings fails here with the list of them.
"""

import gettext
import re
from pathlib import Path

import django
import pytest
from django.conf import global_settings, settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real
from django.views.i18n import JavaScriptCatalog

from tests.pofile import as_catalog, read_po

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
DJANGO = Path(django.__file__).parent

# Django's English catalogues (every msgid, current for the installed version) and the
# translation domain each belongs to.
DJANGO_CATALOGUES = [
    ("contrib/admin", "django"),
    ("contrib/admin", "djangojs"),
    ("contrib/auth", "django"),
    ("contrib/contenttypes", "django"),
    ("contrib/humanize", "django"),
    ("conf", "django"),
]

# Translations that rightly equal the English: units, protocols and words Vietnamese
# uses as they are.
SAME_IN_VIETNAMESE = {"Email", "IPv4", "IPv6", "%(size)d byte", "%s KB", "%s MB", "%s GB", "%s TB",
                      "%s PB"}  # fmt: skip

# Language names (LANGUAGES is Vietnamese only, so none is ever shown).
NEVER_SHOWN = {name for _code, name in global_settings.LANGUAGES}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_committed_mo_matches_the_po(domain):
    """The .mo in the repository holds exactly the .po's translations: recompile with
    `msgfmt -o locale/vi/LC_MESSAGES/{domain}.mo locale/vi/LC_MESSAGES/{domain}.po`."""
    po = as_catalog(read_po(LOCALE / f"{domain}.po"))
    with open(LOCALE / f"{domain}.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    assert compiled == po


def test_po_reader_reads_contexts_plurals_and_continued_lines(tmp_path):
    """The reader the comparison relies on."""
    path = tmp_path / "x.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        'msgctxt "abbrev. day Sunday"\nmsgid "Sun"\nmsgstr "CN"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "Cũ"\n\n'
        'msgid "Please correct the error below."\nmsgid_plural "Please correct the errors."\n'
        'msgstr[0] "Hãy sửa "\n"lỗi."\n\n'
        'msgid "Untranslated"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert as_catalog(read_po(path)) == {
        "": "Language: vi\n",
        "abbrev. day Sunday\x04Sun": "CN",
        ("Please correct the error below.", 0): "Hãy sửa lỗi.",
    }


def _vietnamese_catalogue(domain):
    """Everything Django would use for Vietnamese in `domain`: Django's catalogues of
    the installed apps merged with ours (LOCALE_PATHS), as the admin uses them."""
    with translation.override("vi"):
        if domain == "django":
            return trans_real.translation("vi")._catalog
        view = JavaScriptCatalog(packages=["django.contrib.admin"])
        view.translation = trans_real.DjangoTranslation(
            "vi", domain="djangojs", localedirs=view.get_paths(view.packages)
        )
        return view.translation._catalog


def _untranslated(entries, catalogue):
    missing = []
    for entry in entries:
        if not entry.msgid or entry.msgid in NEVER_SHOWN:
            continue
        key = entry.key if entry.msgid_plural is None else (entry.key, 0)
        text = catalogue.get(key)
        if not text:
            missing.append(f"missing: {entry.key!r}")
        elif (
            text == entry.msgid
            and re.search(r"[A-Za-z]{2}", re.sub(r"%\(\w+\)s", "", entry.msgid))
            and entry.msgid not in SAME_IN_VIETNAMESE
        ):
            missing.append(f"still English: {entry.key!r}")
    return missing


@pytest.mark.parametrize(("app", "domain"), DJANGO_CATALOGUES)
def test_every_django_string_we_show_has_vietnamese(app, domain):
    """Each msgid of Django's English catalogue for `app` translates to Vietnamese."""
    entries = read_po(DJANGO / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po")
    assert len(entries) > 5
    assert _untranslated(entries, _vietnamese_catalogue(domain)) == []


def test_the_check_fails_without_our_catalogue():
    """Without LOCALE_PATHS Django's vi leaves admin strings in English: the check above
    would catch them (and so guards against dropping the setting)."""
    entries = read_po(DJANGO / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "django.po")
    with override_settings(LOCALE_PATHS=[]):  # Django drops its cached translations
        missing = _untranslated(entries, _vietnamese_catalogue("django"))
    assert "missing: 'Show counts'" in missing
    assert "missing: 'Please correct the error below.'" in missing


def test_our_wording_wins_over_djangos():
    """Where Django's vi words it badly, ours is used."""
    with translation.override("vi"):
        assert (
            translation.gettext(" By %(filter_title)s ") % {"filter_title": "chuyên mục"}
            == " Theo chuyên mục "
        )
        assert translation.gettext("History") == "Lịch sử"
        assert (
            translation.ngettext(
                "Please correct the error below.", "Please correct the errors below.", 2
            )
            == "Hãy sửa lỗi bên dưới."
        )
