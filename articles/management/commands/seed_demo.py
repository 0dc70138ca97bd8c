"""`manage.py seed_demo`: fill an empty install with demo content (safe to run again)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from tqdm import tqdm

from articles.demo_content import add_synthetic_articles, seed_demo

SITE_SETTINGS_STATUS = {
    "created": "đã tạo",
    "filled": "đã điền các mục còn trống",
    "kept": "đã có, giữ nguyên",
}


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: thông tin tòa soạn, chuyên mục, tác giả, tài khoản theo vai trò "
        "và bài viết mẫu. Chạy lại không tạo trùng và không sửa dữ liệu đã có."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Đặt mật khẩu này cho mọi tài khoản mẫu, kể cả tài khoản đã có "
            "(dùng cho kiểm thử tự động).",
        )
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Thêm N bài tổng hợp đã xuất bản để thử tải.",
        )

    def handle(self, *args, password=None, articles=0, verbosity=1, **options):
        if articles < 0:
            raise CommandError("--articles phải là số không âm.")
        try:
            report = seed_demo(password=password)
        except LookupError as error:
            raise CommandError(str(error)) from error
        self.print_report(report)
        if articles:
            self.add_synthetic(articles, show_progress=verbosity > 0)

    def print_report(self, report):
        write = self.stdout.write
        write(f"Thông tin tòa soạn: {SITE_SETTINGS_STATUS[report.site_settings]}.")
        for label, tally in (("Chuyên mục", report.categories), ("Tác giả", report.authors)):
            write(f"{label}: tạo mới {tally.created}, đã có {tally.existing}.")
        write(
            f"Bài viết mẫu: tạo mới {report.articles.created} (kèm {report.photos_created} ảnh), "
            f"đã có {report.articles.existing}."
        )
        if report.hidden_created:
            write(f"  Trong đó {report.hidden_created} bài nháp hoặc hẹn giờ: bạn đọc chưa thấy.")

        rows = [("Tài khoản", "Vai trò", "Mật khẩu")]
        for account in report.accounts:
            if account.password_reset:
                secret = "(đặt theo --password)"
            elif account.new_password:
                secret = account.new_password
            else:
                secret = "(đã có, giữ nguyên mật khẩu)"
            rows.append((account.username, account.role, secret))
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        write("")
        write(
            self.style.MIGRATE_HEADING(f"Tài khoản demo (đăng nhập tại {reverse('admin:index')}):")
        )
        for number, (username, role, secret) in enumerate(rows):
            write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {secret}")
            if number == 0:
                write(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * 28}")
        if any(account.new_password and not account.password_reset for account in report.accounts):
            write(
                self.style.WARNING(
                    "Mật khẩu chỉ được in một lần này: hãy lưu lại. Chạy lại lệnh không đổi "
                    "mật khẩu; dùng --password để đặt lại."
                )
            )

    def add_synthetic(self, count, *, show_progress):
        started = time.monotonic()
        with tqdm(
            total=count, unit=" bài", desc="Thêm bài tổng hợp", disable=not show_progress
        ) as bar:
            added = add_synthetic_articles(count, on_batch=bar.update)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Đã thêm {added} bài tổng hợp trong {elapsed:.1f} giây.")
        )
