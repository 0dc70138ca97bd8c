"""`manage.py rebuild_renditions`: remake the photos' renditions (see articles.renditions).

Resumable: every photo done is stamped with `renditions_ready_at`, so an interrupted
run continues with `--missing` (photos never done) or `--before <start time>` (the
run's own start time, which the command prints: photos not done since). A photo that
fails is reported and the run goes on; the exit status is 1 if any failed.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from tqdm import tqdm

from articles.models import Photo
from articles.renditions import generate_renditions


def _moment(value):
    moment = parse_datetime(value)
    if moment is None:
        raise CommandError(f"Thời điểm không hợp lệ: “{value}” (cần dạng 2024-05-01T08:30:00).")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Tạo lại các cỡ ảnh (WebP, JPEG, ảnh cắt 16:9, 1:1 và ảnh chia sẻ mạng xã hội) "
        "cho mọi ảnh trong thư viện, hoặc chỉ những ảnh còn thiếu (--missing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="MÃ_ẢNH", help="Chỉ các ảnh này.")
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Chỉ các ảnh chưa có cỡ ảnh (ví dụ sau khi lần chạy trước bị ngắt).",
        )
        parser.add_argument(
            "--before",
            type=_moment,
            metavar="THỜI_ĐIỂM",
            help="Chỉ các ảnh chưa có cỡ ảnh hoặc có cỡ ảnh tạo trước thời điểm này "
            "(để chạy tiếp một lần tạo lại toàn bộ bị ngắt).",
        )

    def handle(self, *args, ids, missing, before, verbosity=1, **options):
        photos = Photo.objects.order_by("pk")
        if ids:
            photos = photos.filter(pk__in=ids)
        if missing:
            photos = photos.filter(renditions_ready_at__isnull=True)
        elif before is not None:
            photos = photos.filter(
                Q(renditions_ready_at__isnull=True) | Q(renditions_ready_at__lt=before)
            )
        todo = list(photos.values_list("pk", flat=True))
        if not todo:
            self.stdout.write("Không có ảnh nào cần tạo cỡ ảnh.")
            return

        started_at, started = timezone.now(), time.monotonic()
        if not missing and verbosity > 0:
            self.stdout.write(
                f"Nếu bị ngắt, chạy tiếp bằng: manage.py rebuild_renditions "
                f"--before {started_at.isoformat()}"
            )
        done, failures = 0, []
        bar = tqdm(todo, unit=" ảnh", desc="Tạo cỡ ảnh", disable=verbosity == 0)
        try:
            for pk in bar:
                photo = Photo.objects.filter(pk=pk).first()
                if photo is None:
                    continue  # deleted meanwhile
                try:
                    generate_renditions(photo)
                except Exception as error:  # report, and go on with the next photo
                    failures.append(pk)
                    with tqdm.external_write_mode():
                        self.stderr.write(f"Lỗi ở ảnh #{pk}: {error}")
                else:
                    done += 1
        except KeyboardInterrupt:
            bar.close()
            raise CommandError(
                f"Đã dừng sau {done} ảnh. Chạy tiếp bằng: manage.py rebuild_renditions "
                f"--before {started_at.isoformat()}"
            ) from None
        bar.close()

        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo cỡ ảnh cho {done} ảnh trong {elapsed:.1f} giây.")
        )
        if failures:
            listed = ", ".join(f"#{pk}" for pk in failures)
            raise CommandError(
                f"{len(failures)} ảnh không tạo được cỡ ảnh: {listed}. Hãy tải lại các ảnh "
                "này trong thư viện ảnh (hoặc sửa tệp) rồi chạy lại lệnh với mã của chúng."
            )
