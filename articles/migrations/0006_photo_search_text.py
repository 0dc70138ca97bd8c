"""Fill Photo.search_text for photos saved before it existed (the model's save() keeps it)."""

from django.db import migrations

from articles.text import clean_line, fold


def fill(apps, schema_editor):
    Photo = apps.get_model("articles", "Photo")
    for photo in Photo.objects.iterator():
        parts = [photo.caption, photo.credit, photo.alt_text, photo.original_filename]
        photo.search_text = fold(clean_line(" ".join(parts)))
        photo.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_photo_library")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
