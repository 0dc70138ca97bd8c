"""Reader search, the database side: the stored index and the SQL that queries it.

Each article has one `ArticleSearch` row holding its `SearchDocument`
(`articles.search`): a GIN-indexed tsvector on PostgreSQL, the document's text form
(matched with GLOB) on SQLite, and a copy of the time the article became public. It
lives in its own table so that article lists, which load whole article rows, never
carry the index along.

Reader search picks its candidates from this table alone: the newest matches whose
copied publish time has passed, a GIN lookup plus a sort of narrow rows. Joining
the article table for that step cost 5 to 20 times more at 100,000 articles. The
copy only narrows the search: results are always re-checked with
`Article.objects.published()`, so a stale copy can never show a hidden article.

The row is derived data, refreshed whenever a save touches an article's text or
visibility (the `post_save` receiver below); `bulk_create` sends no signal, so code
that bulk-creates articles calls `index_articles` itself, once per batch.
"""

from contextlib import contextmanager

from django.db import NotSupportedError, OperationalError, connections, models, transaction
from django.db.models import Func, Lookup
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.search import (
    EXACT_FIELDS,
    FIELD_WEIGHTS,
    SearchDocument,
    SearchQuery,
    quote_lexeme,
)

# Saving any of these changes the search row.
INDEXED_FIELDS = frozenset({"title", "sapo", "body", "status", "published_at", "deleted_at"})
PUBLISHED = "published"  # Article.Status.PUBLISHED (that module imports this one)

# Ranking points (PostgreSQL and SQLite alike), best first. Each signal outweighs all
# those below it together; on PostgreSQL ts_rank adds a fraction for how often the
# words occur, and ties go to the newest article.
RANK_POINTS = (
    ("title_phrase", 32),  # the words, in order, in the title
    ("title_all", 16),  # every word somewhere in the title
    ("lead_all", 8),  # every word in the title or the sapo
    ("phrase", 4),  # the words in order, anywhere
    # Accented queries only, in the title or the sapo (EXACT_FIELDS):
    ("exact_phrase", 2),  # the words in order with the reader's accents
    ("exact_all", 1),  # every word with the reader's accents
)
POINTS = dict(RANK_POINTS)
# Signals that imply the ones after them (a phrase in the title has every word in the
# title, hence in the title or sapo): one CASE per tier, so most rows are tested for
# a few signals rather than all of them.
RANK_TIERS = (
    ("title_phrase", "title_all", "lead_all"),
    ("phrase",),
    ("exact_phrase", "exact_all"),
)


class SearchDocumentField(models.TextField):
    """A `SearchDocument`: tsvector on PostgreSQL, its text form on other databases."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "tsvector"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, SearchDocument):
            return value.as_tsvector() if connection.vendor == "postgresql" else value.as_text()
        return super().get_db_prep_value(value, connection, prepared)


class FoldedTitleField(models.TextField):
    """Folded title words; offers `__word_similar` (pg_trgm's `<%`) on PostgreSQL."""


@FoldedTitleField.register_lookup
class WordSimilar(Lookup):
    """`query <% title`: some stretch of the title is trigram-close to the query (pg_trgm
    word_similarity at least pg_trgm.word_similarity_threshold, 0.6); GIN-indexed."""

    lookup_name = "word_similar"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotSupportedError("word_similar needs PostgreSQL (pg_trgm).")
        title, title_params = self.process_lhs(compiler, connection)
        query, query_params = self.process_rhs(compiler, connection)
        return f"{query} <%% {title}", [*query_params, *title_params]


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = models.FloatField()


class ArticleSearch(models.Model):
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_index"
    )
    document = SearchDocumentField(default="")
    # The article's publish time while it is published and not in the trash (a future
    # time: scheduled), else NULL. Narrows reader search; never decides visibility.
    public_from = models.DateTimeField(null=True, editable=False)
    # The title's folded words ("bo cong thuong hop bao"), trigram-indexed on PostgreSQL
    # (pg_trgm) for titles close to a mistyped query when nothing matches exactly.
    title = FoldedTitleField(default="", editable=False)

    class Meta:
        verbose_name = _("chỉ mục tìm kiếm")
        verbose_name_plural = _("chỉ mục tìm kiếm")
        indexes = [
            models.Index(
                fields=["-public_from", "-article"],
                name="article_search_public_idx",
                condition=models.Q(public_from__isnull=False),
            )
        ]

    def __str__(self):
        return f"chỉ mục tìm kiếm của bài #{self.article_id}"


def index_articles(articles, *, batch_size=1000, body_terms=None):
    """(Re)build the search rows of saved `articles`: one upsert per batch.
    `body_terms`: each article's body words, in the same order, when the caller has
    them already (the bulk seeder)."""
    rows = []
    for number, article in enumerate(articles):
        document = SearchDocument.for_article(
            article.title,
            article.sapo,
            article.body,
            body_terms=body_terms[number] if body_terms is not None else None,
        )
        public = article.status == PUBLISHED and article.deleted_at is None
        rows.append(
            ArticleSearch(
                article_id=article.pk,
                document=document,
                public_from=article.published_at if public else None,
                title=document.title_words,
            )
        )
    ArticleSearch.objects.bulk_create(
        rows,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["document", "public_from", "title"],
    )


def public_matches(query: SearchQuery, *, limit):
    """Ids of the newest `limit` articles matching `query` whose copied publish time
    has passed (candidates for reader search: the caller re-checks visibility)."""
    return (
        ArticleSearch.objects.filter(
            public_from__lte=timezone.now(), document__matches=Matching(query)
        )
        .order_by("-public_from", "-article_id")
        .values("article_id")[:limit]
    )


def public_near_titles(query: SearchQuery, *, limit):
    """Ids of up to `limit` public articles whose title is close to `query` (typos:
    "cong thuogn" finds "Bộ Công Thương …"), closest first. PostgreSQL only."""
    return (
        ArticleSearch.objects.filter(
            public_from__lte=timezone.now(), title__word_similar=query.folded
        )
        .order_by(WordSimilarity(models.Value(query.folded), "title").desc(), "-public_from")
        .values("article_id")[:limit]
    )


class QueryTooSlow(Exception):
    """A query given a time budget (`time_budget`) ran past it and was cancelled."""


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement_timeout


@contextmanager
def time_budget(milliseconds, using="default"):
    """Cancel this block's SQL after `milliseconds` (PostgreSQL's statement_timeout, for
    the block's own transaction) and raise QueryTooSlow; no limit on other databases.
    For best-effort extras, such as typo suggestions, that must never slow a page."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [int(milliseconds)])
            yield
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == QUERY_CANCELED:
            raise QueryTooSlow(f"over {milliseconds} ms") from error
        raise


@receiver(post_save, sender="articles.Article", dispatch_uid="articles.search.reindex")
def reindex_saved_article(sender, instance, update_fields=None, **kwargs):
    """Keep an article's search row current; saves touching neither its text nor its
    visibility (autosave bookkeeping, lead photo, version) leave the row alone."""
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return
    index_articles([instance])


# -- matching --
#
# A condition is a list of values that must all hold: tsquery inputs tested with
# `document @@ value::tsquery` on PostgreSQL, patterns tested with `document GLOB
# value` on SQLite. Words hold letters and digits only (`articles.search.WORD`), so
# no wildcard or operator typed by a reader ever reaches either.


class _PostgresQuery:
    """tsquery input for a `SearchQuery`: words are quoted lexemes, never parsed."""

    test = "{document} @@ %s::tsquery"

    def __init__(self, query: SearchQuery, *, prefix=False):
        self.query = query
        self.prefix = prefix

    def _words(self, *, exact=False, fields=""):
        suffix = ":" + ("*" if self.prefix else "") + fields if self.prefix or fields else ""
        return [
            quote_lexeme(word.exact if exact else word.folded) + suffix for word in self.query.terms
        ]

    def all(self, **kwargs):
        """Every word, anywhere (in `fields`, weights such as "AB", if given)."""
        return [" & ".join(self._words(**kwargs))]

    def phrase(self, **kwargs):
        """The words next to each other, in order."""
        return [" <-> ".join(self._words(**kwargs))]


class _GlobQuery:
    """SQLite GLOB patterns over `SearchDocument.as_text()` (" A:cong/010 … | B:… ")."""

    test = "{document} GLOB %s"

    def __init__(self, query: SearchQuery, *, prefix=False):
        self.query = query
        self.prefix = prefix

    @staticmethod
    def _literal(text):
        return "".join(f"[{ch}]" if ch in "*?[]" else ch for ch in text)

    def _word(self, word, *, exact=False, fields=""):
        field = f"[{fields}]" if fields else "?"
        if self.prefix:
            return f"{field}:{self._literal(word.folded)}*"
        code = self._literal(word.exact) if exact else self._literal(word.folded) + "/???"
        return f"{field}:{code}"

    def all(self, **kwargs):
        """Every word, anywhere (in `fields`, letters such as "AB", if given)."""
        end = "" if self.prefix else " *"
        return [f"* {self._word(word, **kwargs)}{end}" for word in self.query.terms]

    def phrase(self, **kwargs):
        """The words next to each other, in order."""
        return [f"* {' '.join(self._word(word, **kwargs) for word in self.query.terms)} *"]


def _query_builder(connection, query, *, prefix=False):
    if connection.vendor == "postgresql":
        return _PostgresQuery(query, prefix=prefix)
    return _GlobQuery(query, prefix=prefix)


def _condition_sql(builder, values, document, document_params):
    sql = " AND ".join(builder.test.format(document=document) for _ in values)
    params = [param for value in values for param in (*document_params, value)]
    return f"({sql})", params


class Matching:
    """The right-hand side of `document__matches`: every word of the query, accents
    and case ignored, as whole words, or as word beginnings with `prefix` (the
    admin's search box)."""

    def __init__(self, query: SearchQuery, *, prefix=False):
        self.query = query
        self.prefix = prefix

    def __eq__(self, other):
        if not isinstance(other, Matching):
            return NotImplemented
        return (self.query, self.prefix) == (other.query, other.prefix)

    def __hash__(self):
        return hash((self.query, self.prefix))


@SearchDocumentField.register_lookup
class Matches(Lookup):
    lookup_name = "matches"
    prepare_rhs = False

    def get_prep_lookup(self):
        if not isinstance(self.rhs, Matching):
            raise TypeError("document__matches expects a Matching")
        return self.rhs

    def as_sql(self, compiler, connection):
        document, params = self.process_lhs(compiler, connection)
        builder = _query_builder(connection, self.rhs.query, prefix=self.rhs.prefix)
        return _condition_sql(builder, builder.all(), document, params)


# -- ranking --


class SearchRank(Func):
    """Points for how well a document matches `query` (RANK_POINTS); higher is better."""

    output_field = models.FloatField()

    def __init__(self, document, query: SearchQuery):
        super().__init__(document)
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        document, document_params = compiler.compile(self.source_expressions[0])
        builder = _query_builder(connection, self.query)
        title, lead = FIELD_WEIGHTS[0], "".join(FIELD_WEIGHTS[:2])
        signals = {
            "title_phrase": builder.phrase(fields=title),
            "title_all": builder.all(fields=title),
            "lead_all": builder.all(fields=lead),
            "phrase": builder.phrase(),
        }
        if self.query.accented:
            signals["exact_phrase"] = builder.phrase(exact=True, fields=EXACT_FIELDS)
            signals["exact_all"] = builder.all(exact=True, fields=EXACT_FIELDS)
        parts, params = [], []
        for tier in RANK_TIERS:
            # CASE WHEN strongest THEN its points + those it implies WHEN next … ELSE 0:
            # each row stops at the first signal that holds.
            whens = []
            for position, name in enumerate(tier):
                if name in signals:
                    points = sum(POINTS[implied] for implied in tier[position:])
                    sql, sql_params = _condition_sql(
                        builder, signals[name], document, document_params
                    )
                    whens.append(f"WHEN {sql} THEN {points}")
                    params += sql_params
            if whens:
                parts.append(f"CASE {' '.join(whens)} ELSE 0 END")
        if connection.vendor == "postgresql":
            # How often the words occur, weighted by field: a fraction, for ties.
            parts.append(f"ts_rank({document}, %s::tsquery)")
            params += [*document_params, *builder.all()]
        return "(" + " + ".join(parts) + ")", params
