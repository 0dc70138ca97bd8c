"""Rebuild a site from a `backup` archive: checksums verified first, then the database
(migrated, and empty unless --force) and the media files."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.backups import BackupError, restore_backup, verify


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và tệp ảnh từ một bản sao lưu (chỉ vào cơ sở dữ liệu trống)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu (.tar.gz) do lệnh backup ghi")
        parser.add_argument(
            "--force", action="store_true", help="Xóa dữ liệu đang có rồi khôi phục."
        )
        parser.add_argument(
            "--check", action="store_true", help="Chỉ kiểm tra mã SHA-256, không khôi phục."
        )

    def handle(self, *args, path, force=False, check=False, **options):
        try:
            listed = verify(path)
            if check:
                self.stdout.write(f"Bản sao lưu nguyên vẹn: {len(listed)} tệp.")
                return
            call_command("migrate", interactive=False, verbosity=0)
            objects, files = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Đã khôi phục {objects} bản ghi và {files} tệp ảnh từ {path}.")
