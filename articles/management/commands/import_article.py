"""`manage.py import_article FILE`: import one plain-text article (see articles.importer)."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import ImportFailed, article_import, parse_article, read_article_file
from articles.models import Article
from articles.text import parse_number


def _article_id(value):
    number = parse_number(value)
    if number is None or number < 1:
        raise argparse.ArgumentTypeError("mã bài viết phải là số nguyên dương")
    return number


class Command(BaseCommand):
    help = (
        "Nhập một bài viết từ tệp văn bản (tiêu đề, dòng thời gian “18:35 | 18/06/2020”, "
        "sapo, các đoạn, tác giả ở dòng cuối)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp văn bản UTF-8 của bài viết.")
        parser.add_argument(
            "--id", type=_article_id, dest="article_id", help="Giữ mã bài (id công khai)."
        )
        parser.add_argument("--category", help="Đường dẫn (slug) của chuyên mục.")
        parser.add_argument("--image", type=Path, help="Tệp ảnh cho dòng ảnh trong bài.")
        parser.add_argument(
            "--status", choices=[s.value for s in Article.Status], default="published"
        )
        parser.add_argument("--replace", action="store_true", help="Ghi đè bài đã có cùng --id.")

    def handle(self, *args, file, article_id, category, image, status, replace, **options):
        try:
            parsed = parse_article(read_article_file(file))
            result = article_import(
                parsed=parsed,
                article_id=article_id,
                category_slug=category,
                image_path=image,
                status=status,
                replace=replace,
            )
        except ImportFailed as error:
            raise CommandError(str(error)) from error

        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        article = result.article
        verb = "Đã nhập" if result.created else "Đã ghi đè"
        self.stdout.write(self.style.SUCCESS(f"{verb} bài {article.pk}: {article.title}"))
        self.stdout.write(article.get_absolute_url())
