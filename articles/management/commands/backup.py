"""Write a consistent archive (tar.gz) of the database and the media files, with a
MANIFEST of SHA-256 checksums (articles/backups.py)."""

from django.core.management.base import BaseCommand

from articles.backups import write_backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp ảnh vào một tệp .tar.gz (kèm mã kiểm tra SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu sẽ ghi, ví dụ /backups/toasoan.tar.gz")

    def handle(self, *args, path, **options):
        size, files = write_backup(path)
        self.stdout.write(f"Đã sao lưu vào {path}: cơ sở dữ liệu {size} byte, {files} tệp ảnh.")
