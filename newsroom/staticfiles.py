"""Static file finders that leave out what is not part of the product.

django-ckeditor ships CKEditor's own test pages (`…/plugins/exportpdf/tests/manual/*.html`,
pages that load the editor and run code from the query string and other origins). They
are neither collected (collectstatic lists files through the finders) nor served in
development (WhiteNoise and the staticfiles view look files up through the finders).
Any `tests/` or `samples/` folder of a package's static files is left out the same way.
"""

import posixpath

from django.contrib.staticfiles import finders

EXCLUDED_FOLDERS = {"tests", "samples"}


def is_excluded(path):
    """True for a static path inside a `tests/` or `samples/` folder, however spelled."""
    normalized = posixpath.normpath(path.replace("\\", "/")).lower()
    return bool(EXCLUDED_FOLDERS.intersection(normalized.split("/")[:-1]))


class _Excluding:
    def find(self, path, find_all=False, **kwargs):
        if is_excluded(path):
            return []  # what Django's finders answer for a missing file
        return super().find(path, find_all, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if not is_excluded(path):
                yield path, storage


class FileSystemFinder(_Excluding, finders.FileSystemFinder):
    """Django's finder for STATICFILES_DIRS, without test and sample folders."""


class AppDirectoriesFinder(_Excluding, finders.AppDirectoriesFinder):
    """Django's finder for the apps' static/ folders, without test and sample folders."""
