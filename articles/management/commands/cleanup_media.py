"""List (default) or delete (--delete) media files no photo or rendition refers to:
what a worker killed mid-upload leaves behind. Files younger than --older-than-hours
are left alone: an upload in progress has written its file but not yet its row."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from articles.orphan_media import orphans


class Command(BaseCommand):
    help = "Tìm (và với --delete thì xóa) các tệp trong thư mục media không ảnh nào dùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Xóa thật (mặc định chỉ liệt kê)."
        )
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Chỉ các tệp cũ hơn số giờ này (mặc định 24): tệp đang tải lên không bị đụng.",
        )

    def handle(self, *args, delete=False, older_than_hours=24, **options):
        found = orphans(timedelta(hours=older_than_hours))
        total = sum(size for _name, size, _modified in found)
        for name, size, _modified in found:
            if delete:
                default_storage.delete(name)
            self.stdout.write(f"{'đã xóa' if delete else 'thừa'}: {name} ({size} byte)")
        verb = "Đã xóa" if delete else "Tìm thấy"
        self.stdout.write(f"{verb} {len(found)} tệp không dùng, {total} byte.")
        if found and not delete:
            self.stdout.write("Chạy lại với --delete để xóa.")
