"""Reader search: one index row per article, filled for the articles that exist (the
post_save receiver and `index_articles` keep it current). On PostgreSQL: a GIN index on
the tsvector, and pg_trgm with a trigram index on the folded titles (typo fallback);
nothing of that on SQLite."""

import django.db.models.deletion
from django.db import migrations, models

import articles.models.search
from articles.search import SearchDocument

GIN_INDEX = "article_search_document_gin"
TRIGRAM_INDEX = "article_search_title_trgm"


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX {GIN_INDEX} ON articles_articlesearch USING gin (document)"
    )
    schema_editor.execute(
        f"CREATE INDEX {TRIGRAM_INDEX} ON articles_articlesearch USING gin (title gin_trgm_ops)"
    )


def drop_postgres_indexes(apps, schema_editor):
    # The extension stays: other code may use it, and dropping it needs no data back.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def index_existing_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleSearch = apps.get_model("articles", "ArticleSearch")
    batch = []
    rows = Article.objects.order_by("pk").values_list(
        "pk", "title", "sapo", "body", "status", "published_at", "deleted_at"
    )
    for pk, title, sapo, body, status, published_at, deleted_at in rows.iterator(chunk_size=2000):
        public = status == "published" and deleted_at is None
        document = SearchDocument.for_article(title, sapo, body)
        batch.append(
            ArticleSearch(
                article_id=pk,
                document=document,
                public_from=published_at if public else None,
                title=document.title_words,
            )
        )
        if len(batch) == 2000:
            ArticleSearch.objects.bulk_create(batch)
            batch = []
    ArticleSearch.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_article_body_photos")]

    operations = [
        migrations.CreateModel(
            name="ArticleSearch",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("document", articles.models.search.SearchDocumentField(default="")),
                ("public_from", models.DateTimeField(editable=False, null=True)),
                ("title", articles.models.search.FoldedTitleField(default="", editable=False)),
            ],
            options={
                "verbose_name": "chỉ mục tìm kiếm",
                "verbose_name_plural": "chỉ mục tìm kiếm",
                "indexes": [
                    models.Index(
                        condition=models.Q(("public_from__isnull", False)),
                        fields=["-public_from", "-article"],
                        name="article_search_public_idx",
                    )
                ],
            },
        ),
        # Fill first, index after: building a GIN index over existing rows is several
        # times faster than maintaining it row by row.
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes),
    ]
