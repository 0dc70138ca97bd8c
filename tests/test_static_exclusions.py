"""CKEditor's bundled test pages (and any package's tests/ or samples/ static folder) are
neither collected nor served, in development (files found through the finders) and in
production (collectstatic's output served by WhiteNoise)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from newsroom.staticfiles import is_excluded

ROOT = Path(settings.BASE_DIR)
EDITOR = "/static/ckeditor/ckeditor/ckeditor.js"
TEST_PAGE = "ckeditor/ckeditor/plugins/exportpdf/tests/manual/integration.html"
TEST_PAGES = [
    f"/static/{TEST_PAGE}",
    "/static/ckeditor/ckeditor/plugins/exportpdf/tests/exportpdf.js",
    "/static/ckeditor/ckeditor/plugins/exportpdf/x/../tests/manual/integration.html",
    "/static/ckeditor/ckeditor/plugins/exportpdf/%74ests/manual/integration.html",
    "/static/ckeditor/ckeditor/plugins/exportpdf/TESTS/manual/integration.html",
]


def test_the_package_really_ships_test_pages():
    """What the exclusion is about: django-ckeditor's wheel carries them."""
    import ckeditor

    assert (Path(ckeditor.__file__).parent / "static" / TEST_PAGE).is_file()


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        (TEST_PAGE, True),
        ("ckeditor/ckeditor/samples/index.html", True),
        ("ckeditor/ckeditor/plugins/x/../tests/a.html", True),
        ("ckeditor/ckeditor/plugins/Tests/a.html", True),
        ("ckeditor/ckeditor/ckeditor.js", False),
        ("ckeditor/ckeditor/plugins/image2/plugin.js", False),
        ("articles/tests.js", False),  # a file named so, not a folder
    ],
)
def test_is_excluded(path, excluded):
    assert is_excluded(path) is excluded


def test_finders_neither_find_nor_list_them():
    assert finders.find(TEST_PAGE) is None
    assert finders.find(TEST_PAGE, find_all=True) == []
    listed = [path for finder in finders.get_finders() for path, _storage in finder.list(None)]
    assert "ckeditor/ckeditor/ckeditor.js" in listed
    assert not [path for path in listed if is_excluded(path)]


@override_settings(DEBUG=True, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_not_served_in_development():
    client = Client()  # middleware built now, with the development settings
    assert client.get(EDITOR).status_code == 200
    for url in TEST_PAGES:
        assert client.get(url).status_code == 404, url


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as production runs it (DEBUG=0, the compressed manifest storage)."""
    root = tmp_path_factory.mktemp("collected")
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**environment, "DEBUG": "0", "SECRET_KEY": "k" * 60, "STATIC_ROOT": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


def test_not_collected(collected):
    files = [path.relative_to(collected).as_posix() for path in collected.rglob("*")]
    assert "ckeditor/ckeditor/ckeditor.js" in files and "staticfiles.json" in files
    assert not [path for path in files if "/tests/" in path or "/samples/" in path]


@pytest.mark.django_db
def test_not_served_in_production(collected):
    production_storage = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STATIC_ROOT=collected,
        STORAGES=production_storage,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        client = Client()
        assert client.get(EDITOR).status_code == 200
        for url in TEST_PAGES:
            assert client.get(url).status_code == 404, url
