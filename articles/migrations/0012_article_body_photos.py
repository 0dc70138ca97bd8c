"""Which library photos each article body shows, stored so a photo's use count needs no
scan of every body; filled here for existing articles (later saves keep it up to date)."""

import re
from urllib.parse import unquote, urlsplit

from django.db import migrations, models

_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _name_candidates(src):
    """Every tail of the address's path: one of them is the stored file name."""
    try:
        path = unquote(urlsplit(src.strip()).path)
    except ValueError:
        return []
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[index:]) for index in range(len(parts))]


def fill_body_photos(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("articles", "Photo")
    Rendition = apps.get_model("articles", "Rendition")
    Through = Article.body_photos.through
    rows = []
    for article_id, body in Article.objects.filter(body__contains="<img").values_list("pk", "body"):
        names = {name for src in _IMG_SRC.findall(body) for name in _name_candidates(src)}
        if not names:
            continue
        photo_ids = set(Photo.objects.filter(image__in=names).values_list("pk", flat=True))
        photo_ids |= set(
            Rendition.objects.filter(file__in=names).values_list("photo_id", flat=True)
        )
        rows += [Through(article_id=article_id, photo_id=photo_id) for photo_id in photo_ids]
    Through.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_vietnamese_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_photos",
            field=models.ManyToManyField(
                blank=True,
                editable=False,
                related_name="+",
                to="articles.photo",
                verbose_name="ảnh trong nội dung",
            ),
        ),
        migrations.RunPython(fill_body_photos, migrations.RunPython.noop),
    ]
