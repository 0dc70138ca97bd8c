"""Reader search (/tim-kiem/) and the admin's accent-insensitive search.

Every database-backed test runs on SQLite and again on PostgreSQL (CI runs the suite
with DATABASE_URL); tests of PostgreSQL-only machinery use `postgres_only`.
"""

import re
import time
import unicodedata
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services, views
from articles.demo_content import add_synthetic_articles
from articles.models import Article, ArticleSearch, index_articles
from articles.models import article as article_module
from articles.models.search import QueryTooSlow, time_budget
from articles.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    SearchDocument,
    SearchQuery,
    accent_code,
    highlight,
    terms,
)
from tests.factories import (
    EDITOR_IN_CHIEF,
    FIXED_NOW,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

SEARCH_URL = "/tim-kiem/"


def nfd(text):
    return unicodedata.normalize("NFD", text)


def found_titles(client, query, **params):
    """Titles on the results page, in order (marks removed)."""
    response = client.get(SEARCH_URL, {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'<h2 class="card-title"><a href="[^"]*">(.*?)</a></h2>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def search_titles(query):
    return [article.title for article in Article.objects.published().search(query)]


# -- words, folding and the query (no database) --


def test_nfd_and_nfc_give_the_same_words():
    """Text typed in NFD (macOS, Word) yields the same indexed words as NFC."""
    assert terms(nfd("Bộ Công Thương")) == terms("Bộ Công Thương")
    assert [word.folded for word in terms("Bộ CÔNG Thương")] == ["bo", "cong", "thuong"]


@pytest.mark.parametrize(
    ("word", "code"),
    [("thi", "000"), ("đua", "100"), ("Đường", "142"), ("công", "010"), ("thương", "040"),
     ("hòa", "002"), ("hoà", "002"), ("thủy", "003"), ("thuỷ", "003"), ("ắ", "021"),
     ("ơ", "030")],
)  # fmt: skip
def test_accent_code_counts_marks_wherever_they_sit(word, code):
    """Both tone placements get the same code; different accents get different codes."""
    assert accent_code(word) == code


def test_words_never_carry_wildcards_or_operators():
    """LIKE/GLOB wildcards and tsquery operators separate words: they never reach SQL."""
    assert [word.folded for word in terms("50% thu_nhập a*b [x] 'y' a&b !c <-> \\d")] == [
        "50", "thu", "nhap", "a", "b", "x", "y", "a", "b", "c", "d"
    ]  # fmt: skip
    for junk in ["%", "_", "\\", "%_%", "*", "?", "[", "&|!", "'", ":*"]:
        assert not SearchQuery.parse(junk), junk


def test_query_is_cleaned_and_capped():
    """NFC, invisible and control characters dropped, 200 characters, 12 words at most."""
    query = SearchQuery.parse(nfd("  Công\u200b  Thương\x00 ") + "x" * 10_000)
    assert query.text.startswith("Công Thương x")
    assert len(query.text) == MAX_QUERY_LENGTH
    assert "\x00" not in query.text and "\u200b" not in query.text
    many = SearchQuery.parse(" ".join(f"tu{i}" for i in range(50)))
    assert len(many.terms) == MAX_TERMS


def test_lone_combining_marks_and_empty_queries_have_no_words():
    for raw in ["", "   ", "\u0301" * 500, "\u0300\u0323 \u0309", "\x00\x00", None]:
        query = SearchQuery.parse(raw)
        assert not query and not query.terms
    assert SearchQuery.parse("\u0301\u0301 ").text == ""


def test_accented_query_only_when_the_reader_typed_marks():
    assert SearchQuery.parse("thi đua").accented
    assert not SearchQuery.parse("thi dua").accented


def test_highlight_escapes_and_marks_accent_insensitively():
    """The text is escaped (never trusted as HTML); words matching the query are marked,
    whatever their accents or case; neighbours share one mark."""
    query = SearchQuery.parse("thi dua")
    html = highlight("<b>Phong trào THI ĐUA</b> & thì đưa <script>x</script>", query)
    assert html == (
        "&lt;b&gt;Phong trào <mark>THI ĐUA</mark>&lt;/b&gt; &amp; <mark>thì đưa</mark> "
        "&lt;script&gt;x&lt;/script&gt;"
    )
    assert highlight("Đà Nẵng", SearchQuery.parse(nfd("đà nẵng"))) == "<mark>Đà Nẵng</mark>"
    assert highlight("không khớp", query) == "không khớp"


def test_highlight_shortens_long_text():
    text = " ".join(["từ"] * 60)
    assert highlight(text, SearchQuery.parse("abc"), limit_words=40).endswith("từ…")


def test_tsvector_weights_fields_and_keeps_accents_for_title_and_sapo_only():
    """Title A, sapo B, body C; a gap between fields; coded forms in title and sapo."""
    vector = SearchDocument.for_article("Công Thương", "Thi đua", "<p>Đà</p><p>Nẵng</p>")
    entries = dict(entry.split(":", 1) for entry in vector.as_tsvector().split(" "))
    assert entries["'cong'"] == "1A" and entries["'cong/010'"] == "1A"
    assert entries["'thi'"] == "4B" and entries["'dua/100'"] == "5B"
    assert entries["'da'"] == "7C" and entries["'nang'"] == "8C"  # paragraphs do not run together
    assert "'da/120'" not in entries


def test_tsvector_stays_within_postgres_limits():
    """Positions stop at 16,383 and a word keeps at most 255 of them; absurdly long
    "words" are not indexed (PostgreSQL would refuse a lexeme over 2 KB)."""
    body = "<p>" + "lặp " * 20_000 + "x" * 5_000 + " cuối</p>"
    vector = SearchDocument.for_article("Tiêu đề", "Sapo", body).as_tsvector()
    entries = dict(entry.split(":", 1) for entry in vector.split(" "))
    assert len(entries["'lap'"].split(",")) == 255
    assert "'cuoi'" not in entries and not any(len(lexeme) > 100 for lexeme in entries)
    text = SearchDocument.for_article("Tiêu đề", "Sapo", body).as_text()
    assert text.count(" C:") == 16_383 - 3 and "cuoi" not in text  # 2 title words, 1 sapo


# -- matching --


def test_accents_case_and_nfd_find_the_same_articles():
    """ "cong thuong", "CÔNG THƯƠNG", "Công Thương" and NFD "Công Thương" agree."""
    make_article(title="Bộ Công Thương họp báo thường kỳ")
    make_article(title="Ngành công nghiệp hỗ trợ", sapo="Thương mại và công nghiệp.")
    make_article(title="Giá vàng đi ngang", sapo="Không liên quan.")
    expected = {"Bộ Công Thương họp báo thường kỳ", "Ngành công nghiệp hỗ trợ"}
    for query in ["cong thuong", "CÔNG THƯƠNG", "Công Thương", nfd("Công Thương"), "cÔnG tHưƠnG"]:
        assert set(search_titles(query)) == expected, query


def test_d_with_stroke_and_both_tone_placements_match():
    make_article(title="Đà Nẵng đón khách", sapo="Sapo.")
    make_article(title="Thủy điện hòa lưới", sapo="Sapo.")
    make_article(title="Thuỷ sản hoà vốn", sapo="Sapo.")
    assert search_titles("da nang") == search_titles("ĐÀ NẴNG") == ["Đà Nẵng đón khách"]
    both = {"Thủy điện hòa lưới", "Thuỷ sản hoà vốn"}
    for query in ["thủy", "thuỷ", "thuy", "hòa", "hoà", "HOA"]:
        assert set(search_titles(query)) == both, query


def test_every_word_must_match_and_whole_words_only():
    make_article(title="Xuất khẩu gạo tăng", sapo="Sapo.")
    make_article(title="Xuất khẩu cà phê", sapo="Sapo.")
    make_article(title="Khoa học", sapo="Sapo.")
    assert search_titles("xuat khau gao") == ["Xuất khẩu gạo tăng"]
    assert search_titles("hoa") == []  # "hoa" is not a word of "Khoa học"
    assert search_titles("khau ga") == []


def test_body_is_searched_without_its_html():
    make_article(title="Tin A", sapo="Sapo.", body="<p>Điện <strong>mặt trời</strong></p>")
    make_article(title="Tin B", sapo="Sapo.", body='<p><a href="https://dien-gio.vn">x</a></p>')
    assert search_titles("mat troi") == ["Tin A"]
    assert search_titles("strong") == search_titles("href") == search_titles("dien gio") == []


# -- ranking --


def test_title_ranks_above_sapo_above_body():
    now = timezone.now()
    body = make_article(title="Tin một", sapo="Sapo.", body="<p>Giá xăng dầu giảm.</p>",
                        published_at=now - timedelta(minutes=1))  # fmt: skip
    sapo = make_article(title="Tin hai", sapo="Giá xăng dầu giảm.",
                        published_at=now - timedelta(minutes=2))  # fmt: skip
    title = make_article(title="Giá xăng dầu giảm", sapo="Sapo.",
                         published_at=now - timedelta(minutes=3))  # fmt: skip
    assert search_titles("gia xang dau") == [title.title, sapo.title, body.title]


def test_phrase_ranks_above_scattered_words():
    now = timezone.now()
    make_article(title="Thi công cầu và đua thuyền", sapo="Sapo.", published_at=now)
    make_article(title="Phát động thi đua", sapo="Sapo.", published_at=now - timedelta(days=9))
    assert search_titles("thi dua") == ["Phát động thi đua", "Thi công cầu và đua thuyền"]


def test_exact_accents_rank_above_folded_only_matches():
    """ "hòa bình" (peace) before "hoa bình" (flower vase) for a reader typing accents;
    either tone placement counts as exact. Without accents, newest first."""
    now = timezone.now()
    make_article(title="Đồ cổ", sapo="Chiếc hoa bình men lam.", published_at=now)
    make_article(title="Thông điệp", sapo="Vì hoà bình thế giới.",
                 published_at=now - timedelta(days=5))  # fmt: skip
    assert search_titles("hòa bình") == ["Thông điệp", "Đồ cổ"]
    assert search_titles("hoà bình") == ["Thông điệp", "Đồ cổ"]
    assert search_titles("hoa bình") == ["Đồ cổ", "Thông điệp"]
    assert search_titles("hoa binh") == ["Đồ cổ", "Thông điệp"]


def test_ties_are_newest_first_and_only_the_newest_candidates_are_ranked(monkeypatch):
    now = timezone.now()
    for day in range(5):
        make_article(title=f"Xuất khẩu ngày {day}", sapo="Sapo.",
                     published_at=now - timedelta(days=day))  # fmt: skip
    assert search_titles("xuat khau") == [f"Xuất khẩu ngày {day}" for day in range(5)]
    monkeypatch.setattr(article_module, "SEARCH_CANDIDATES", 2)
    assert search_titles("xuat khau") == [f"Xuất khẩu ngày {day}" for day in range(3)]


# -- only published articles, ever --


def test_unpublished_articles_are_never_found(client):
    """Drafts, articles in review, scheduled, trashed and taken-down articles stay hidden."""
    editor = make_user("tongbientap", EDITOR_IN_CHIEF)
    live = make_article(title="Bí mật công khai", sapo="Sapo.")
    for status in [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.EDITED,
                   Article.Status.RETURNED]:  # fmt: skip
        make_article(title=f"Bí mật {status}", sapo="Sapo.", status=status)
    make_article(title="Bí mật hẹn giờ", sapo="Sapo.",
                 published_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    trashed = make_article(title="Bí mật thùng rác", sapo="Sapo.", status=Article.Status.DRAFT)
    services.trash_article(trashed, by=editor)
    taken = make_article(title="Bí mật bị gỡ", sapo="Sapo.")
    services.transition_article(taken, "take_down", by=editor, reason="Sai sự thật")
    assert search_titles("bi mat") == [live.title]
    assert found_titles(client, "bí mật") == [live.title]


def test_a_stale_index_never_reveals_a_hidden_article(client):
    """Visibility is decided by the article, not by the search row's copy of it."""
    hidden = make_article(title="Bài đã gỡ lén", sapo="Sapo.")
    Article.objects.filter(pk=hidden.pk).update(status=Article.Status.TAKEN_DOWN)  # no signal
    assert ArticleSearch.objects.get(pk=hidden.pk).public_from is not None
    assert found_titles(client, "da go len") == []


def test_scheduled_article_is_found_at_its_minute():
    article = make_article(title="Tin hẹn giờ xuất khẩu", sapo="Sapo.",
                           published_at=timezone.now() + timedelta(minutes=5))  # fmt: skip
    assert search_titles("hen gio") == []
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())  # the minute comes
    ArticleSearch.objects.filter(pk=article.pk).update(public_from=timezone.now())
    assert search_titles("hen gio") == [article.title]


# -- the index stays current --


def test_index_follows_every_save():
    editor = make_user("tongbientap", EDITOR_IN_CHIEF)
    article = make_article(title="Tiêu đề cũ", sapo="Sapo.")
    article.title = "Tiêu đề mới về nông sản"
    article.save()
    assert search_titles("nong san") == [article.title] and search_titles("cu") == []
    article.sapo = "Đoạn dẫn về thủy sản"
    article.save(update_fields=["sapo"])
    assert search_titles("thuy san") == [article.title]
    services.transition_article(article, "unpublish", by=editor)
    assert search_titles("nong san") == []
    assert ArticleSearch.objects.get(pk=article.pk).public_from is None


def test_synthetic_bulk_articles_are_indexed_in_bulk():
    """seed_demo --articles N: bulk-created articles get their search rows per batch."""
    make_category(name="Công Thương")
    make_author("Minh Thư")
    with CaptureQueriesContext(connection) as ctx:
        add_synthetic_articles(30, batch_size=10)
    assert ArticleSearch.objects.count() == Article.objects.count() == 30
    inserts = [q for q in ctx.captured_queries if "articles_articlesearch" in q["sql"]]
    assert len(inserts) == 3  # one upsert per batch, not one per article
    assert len(search_titles("doanh nghiep")) == 30


def test_index_articles_rebuilds_rows():
    article = make_article(title="Thị trường lúa gạo", sapo="Sapo.")
    ArticleSearch.objects.all().delete()
    assert search_titles("lua gao") == []
    index_articles(Article.objects.all())
    assert search_titles("lua gao") == [article.title]


# -- the page --


def test_results_page_shows_title_time_sapo_count_and_marks(client):
    published_at = FIXED_NOW.replace(year=2020, month=6, day=18, hour=18, minute=35)
    article = make_article(title="Phát động phong trào thi đua", published_at=published_at,
                           sapo="Ngành Công Thương phát động thi đua yêu nước.")  # fmt: skip
    response = client.get(SEARCH_URL, {"q": "thi dua"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tìm thấy 1 kết quả cho “thi dua”" in html
    assert (
        f'href="{article.get_absolute_url()}">Phát động phong trào <mark>thi đua</mark></a>' in html
    )
    assert "18:35 | 18/06/2020" in html
    assert "Ngành Công Thương phát động <mark>thi đua</mark> yêu nước." in html


def test_results_page_is_not_indexed_by_search_engines(client):
    for query in ["", "xuat khau"]:
        response = client.get(SEARCH_URL, {"q": query})
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_article_text_is_escaped_on_the_results_page(client):
    make_article(title="Cảnh báo <script>alert(1)</script> lừa đảo",
                 sapo='Mã độc <img src=x onerror="alert(2)"> lừa đảo')  # fmt: skip
    html = client.get(SEARCH_URL, {"q": "lua dao"}).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>lừa đảo</mark>" in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt; <mark>lừa đảo</mark>" in html


def test_the_query_is_echoed_escaped(client):
    html = client.get(SEARCH_URL, {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_results_are_paginated_twenty_per_page_keeping_the_query(client):
    now = timezone.now()
    for i in range(45):
        make_article(title=f"Nông sản số {i}", sapo="Sapo.",
                     published_at=now - timedelta(minutes=i + 1))  # fmt: skip
    page1 = client.get(SEARCH_URL, {"q": "nông sản"}).content.decode()
    assert page1.count('class="card-title"') == 20
    assert "Tìm thấy 45 kết quả" in page1
    assert 'href="?q=n%C3%B4ng+s%E1%BA%A3n&amp;page=2"' in page1
    assert found_titles(client, "nông sản", page="3") == [f"Nông sản số {i}" for i in range(40, 45)]


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "4", "²", "①", "٣", "1.5", "", "99999999999999999999"]
)
def test_bad_result_pages_are_404(client, page):
    """Only ASCII digits: "²".isdigit() is True and int() then fails; "٣" is decimal."""
    for i in range(45):
        make_article(title=f"Nông sản số {i}", sapo="Sapo.")
    assert client.get(SEARCH_URL, {"q": "nong san", "page": page}).status_code == 404


def test_category_pages_refuse_unicode_digits_too(client):
    category = make_category(name="Kinh tế")
    make_article(title="Tin kinh tế", category=category)
    for page in ["²", "①", "٣"]:
        assert client.get("/kinh-te/", {"page": page}).status_code == 404


def test_more_results_than_ranked_says_more_than(client, monkeypatch):
    monkeypatch.setattr(article_module, "SEARCH_CANDIDATES", 3)
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 3)
    for i in range(6):
        make_article(title=f"Cà phê số {i}", sapo="Sapo.")
    assert (
        "Tìm thấy hơn 3 kết quả cho “ca phe”"
        in client.get(SEARCH_URL, {"q": "ca phe"}).content.decode()
    )
    assert views._result_count(1234) == "hơn 3"
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 5000)
    assert views._result_count(1234) == "1.234"


def test_no_results_page_is_friendly(client):
    make_article(title="Giá vàng", sapo="Sapo.")
    html = client.get(SEARCH_URL, {"q": "tàu vũ trụ"}).content.decode()
    assert "Không tìm thấy bài viết nào cho “tàu vũ trụ”." in html


@pytest.mark.parametrize(
    "raw", ["", "   ", "%", "_", "\\", "%%__", "\u0301" * 300, "!!!???", "<>&"]
)
def test_empty_or_junk_query_is_a_friendly_page_without_touching_articles(client, raw):
    make_article(title="Giá vàng", sapo="Sapo.")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(SEARCH_URL, {"q": raw})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hãy nhập từ khóa" in html or "Hãy nhập chữ hoặc số" in html
    assert 'class="card-title"' not in html
    assert not any("articles_article" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize(
    "raw",
    ["cong " * 2000, "\u0301" * 10_000, "x" * 10_000, "đ" * 10_000,
     nfd("Công Thương ") * 500, "%" * 10_000, "a_b%c\\d"],
)  # fmt: skip
def test_huge_or_strange_queries_answer_quickly(client, raw):
    make_article(title="Bộ Công Thương", sapo="Sapo.")
    started = time.perf_counter()
    response = client.get(SEARCH_URL, {"q": raw})
    assert response.status_code == 200
    assert time.perf_counter() - started < 2


def test_nul_bytes_are_refused_before_any_query(client):
    """No browser sends NUL; PostgreSQL could not even compare it (see
    articles/middleware.py): a plain 400, no database work."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(SEARCH_URL, {"q": "a\x00b cong"})
    assert response.status_code == 400
    assert ctx.captured_queries == []


def test_wildcards_do_not_match_everything(client):
    make_article(title="Giá vàng", sapo="Lãi 50% mỗi năm")
    make_article(title="Giá bạc", sapo="Sapo.")
    assert found_titles(client, "50%") == ["Giá vàng"]
    assert found_titles(client, "%") == [] and found_titles(client, "_") == []


def test_query_count_is_fixed_whatever_the_number_of_results(client):
    category = make_category(name="Công Thương")
    authors = [make_author("Minh Thư"), make_author("Hoàng Anh")]
    photo = make_photo()

    def add(n):
        for i in range(n):
            make_article(title=f"Xuất khẩu số {i}", sapo="Sapo.", category=category,
                         authors=authors, lead_photo=photo, photos=[photo])  # fmt: skip

    def count():
        cache.clear()
        client.get("/")  # site settings and menu cached, as on a running site
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(SEARCH_URL, {"q": "xuat khau"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(30)
    assert count() == few
    assert few <= 8
    with CaptureQueriesContext(connection) as ctx:  # ranked ids kept for a minute
        client.get(SEARCH_URL, {"q": "xuat khau"})
    assert len(ctx.captured_queries) == few - 1


def test_search_box_is_on_every_public_page(client):
    category = make_category(name="Kinh tế")
    article = make_article(title="Tin kinh tế", category=category)
    for path in ["/", "/kinh-te/", article.get_absolute_url(), SEARCH_URL]:
        html = client.get(path).content.decode()
        assert f'action="{reverse("articles:search")}"' in html, path
        assert (
            '<label class="visually-hidden" for="header-search">Tìm kiếm bài viết</label>' in html
        )
        assert 'id="header-search" type="search" name="q"' in html
    html = client.get(SEARCH_URL, {"q": 'Giá "vàng"'}).content.decode()
    assert 'value="Giá &quot;vàng&quot;"' in html


def test_tim_kiem_is_not_a_category():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_category(name="Tìm kiếm", slug="tim-kiem").full_clean()


# -- the admin --


def test_admin_search_ignores_accents_and_keeps_id_search(client):
    """ "hoa" finds "Hòa" in the admin's article list; a number finds that id."""
    category = make_category(name="Thời sự")
    hoa = make_article(title="Hòa giải thương mại", category=category)
    other = make_article(title="Giá vàng", category=category, sapo="Sapo.")
    body = make_article(title="Tin ngắn", category=category, sapo="Sapo.",
                        body="<p>Khánh HOÀ đón khách</p>")  # fmt: skip
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    changelist = reverse("admin:articles_article_changelist")

    def titles(term):
        response = client.get(changelist, {"q": term})
        assert response.status_code == 200
        html = response.content.decode()
        return {a.title for a in (hoa, other, body) if f">{a.title}<" in html}

    assert titles("hoa") == {hoa.title, body.title}
    assert titles("HOÀ GIẢI") == {hoa.title}
    assert titles("hoa giai thuong") == {hoa.title}
    assert titles("thươ") == {hoa.title}  # word beginnings, as one types
    assert titles(str(other.pk)) == {other.title}
    assert titles("%") == set()


def test_articles_saved_through_the_admin_are_searchable(client):
    """Written and edited in the admin: the admin finds the draft at once, readers find
    it once published, under its edited title."""
    category = make_category(name="Thời sự")
    editor = make_user("tongbientap", EDITOR_IN_CHIEF)
    client.force_login(editor)
    data = article_form_data(
        category=category,
        title="Hòa giải thương mại",
        body="<p>Nội dung.</p>",
        bylines=[make_author("Minh Thư")],  # publishing needs a byline
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    changelist = reverse("admin:articles_article_changelist")
    assert "Hòa giải thương mại" in client.get(changelist, {"q": "hoa giai"}).content.decode()
    assert search_titles("hoa giai") == []
    services.transition_article(article, "submit", by=editor)
    services.transition_article(article, "publish", by=editor)
    edit = article_form_data(article, title="Hòa giải thương mại quốc tế")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), edit)
    assert response.status_code == 302
    assert search_titles("hoa giai quoc te") == ["Hòa giải thương mại quốc tế"]


def test_admin_search_keeps_reporters_to_their_own_articles(client):
    reporter = make_user("phongvien", REPORTER)
    mine = make_article(title="Hòa nhạc của tôi", status=Article.Status.DRAFT, created_by=reporter)
    make_article(title="Hòa nhạc của người khác", status=Article.Status.DRAFT)
    client.force_login(reporter)
    html = client.get(reverse("admin:articles_article_changelist"), {"q": "hoa nhac"})
    html = html.content.decode()
    assert mine.title in html and "của người khác" not in html


def test_photo_library_search_still_folds(client):
    """The photo admin and CKEditor's browse window keep their own folded search."""
    photo = make_photo(caption="Hội nghị Bộ Công Thương")
    other = make_photo(caption="Cánh đồng lúa")
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    html = client.get(reverse("admin:articles_photo_changelist"), {"q": "cong thuong"})
    html = html.content.decode()
    assert "Hội nghị Bộ Công Thương" in html and "Cánh đồng lúa" not in html
    browse = client.get(reverse("articles:editor_browse"), {"q": "CÔNG", "CKEditorFuncNum": "1"})
    html = browse.content.decode()
    assert browse.status_code == 200
    assert photo.image.name in html and other.image.name not in html


# -- PostgreSQL: the stored tsvector and its GIN index --


def test_postgres_stores_a_weighted_tsvector(postgres_only):
    article = make_article(title="Bộ Công Thương", sapo="Thi đua", body="<p>Đà Nẵng</p>")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document::text, pg_typeof(document)::text FROM articles_articlesearch "
            "WHERE article_id = %s",
            [article.pk],
        )
        vector, kind = cursor.fetchone()
    assert kind == "tsvector"
    assert "'cong':2A" in vector and "'cong/010':2A" in vector and "'nang':9C" in vector


def test_postgres_search_uses_the_gin_index(postgres_only):
    """Among 2,000 articles, a rare word's candidates come from the GIN index (the plan
    PostgreSQL picks on its own once the table has statistics)."""
    make_category(name="Công Thương")
    make_author("Minh Thư")
    add_synthetic_articles(2000)
    make_article(title="Vệ tinh Vinasat vào quỹ đạo", sapo="Sapo.")
    with connection.cursor() as cursor:
        # As VACUUM would (not allowed in the test's transaction): merge the GIN pending
        # list, then gather statistics.
        cursor.execute("SELECT gin_clean_pending_list('article_search_document_gin'::regclass)")
        cursor.execute("ANALYZE articles_articlesearch")
        cursor.execute("ANALYZE articles_article")
    results = Article.objects.published().search("vinasat")
    assert [article.title for article in results] == ["Vệ tinh Vinasat vào quỹ đạo"]
    sql, params = results.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on article_search_document_gin" in plan, plan


def test_postgres_admin_prefix_search_uses_the_gin_index(postgres_only):
    make_article(title="Hòa giải", sapo="Sapo.")
    matches = Article.objects.matching("hoa gi", prefix=True)
    assert [a.title for a in matches] == ["Hòa giải"]
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_document_gin" in plan, plan


def test_postgres_offers_close_titles_for_a_mistyped_query(client, postgres_only):
    """Nothing matches "cong thuogn": titles close to it are offered (pg_trgm), never a
    hidden article's."""
    make_article(title="Bộ Công Thương họp báo thường kỳ", sapo="Sapo.")
    make_article(title="Công Thương bản nháp", sapo="Sapo.", status=Article.Status.DRAFT)
    make_article(title="Giá vàng đi ngang", sapo="Sapo.")
    html = client.get(SEARCH_URL, {"q": "cong thuogn"}).content.decode()
    assert "Không tìm thấy bài viết nào cho “cong thuogn”." in html
    assert "Có phải bạn muốn tìm các bài có tiêu đề gần giống:" in html
    assert found_titles(client, "cong thuogn") == ["Bộ Công Thương họp báo thường kỳ"]
    assert found_titles(client, "tau vu tru") == []


def test_postgres_time_budget_cancels_a_slow_query_and_only_that(postgres_only):
    """The budget cancels a statement that runs past it (QueryTooSlow), leaves the
    connection usable, and does not outlive its block."""
    with pytest.raises(QueryTooSlow), time_budget(50), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.2), current_setting('statement_timeout')")
        assert cursor.fetchone()[1] == "0"


def test_postgres_slow_typo_suggestions_never_slow_the_page(client, postgres_only, monkeypatch):
    """When close titles take longer than the budget, the search page answers at once,
    without suggestions, instead of waiting for them."""
    make_article(title="Bộ Công Thương họp báo thường kỳ", sapo="Sapo.")
    real = Article.objects.published().near_titles

    def slow_near_titles(query, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(3)")
        return real(query, **kwargs)

    monkeypatch.setattr(article_module.ArticleQuerySet, "near_titles",
                        lambda self, query, **kw: slow_near_titles(query, **kw))  # fmt: skip
    started = time.monotonic()
    response = client.get(SEARCH_URL, {"q": "cong thuogn"})
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    html = response.content.decode()
    assert "Không tìm thấy bài viết nào cho “cong thuogn”." in html
    assert "Có phải bạn muốn tìm" not in html


def test_close_titles_are_postgres_only(client):
    make_article(title="Bộ Công Thương họp báo thường kỳ", sapo="Sapo.")
    if connection.vendor == "postgresql":
        assert [a.title for a in Article.objects.published().near_titles("cong thuogn")]
    else:
        assert list(Article.objects.published().near_titles("cong thuogn")) == []
        html = client.get(SEARCH_URL, {"q": "cong thuogn"}).content.decode()
        assert "Hãy kiểm tra chính tả" in html


def test_postgres_creates_its_extension_and_indexes(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'articles_articlesearch'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"article_search_document_gin", "article_search_title_trgm"} <= names


def test_postgres_accepts_a_huge_article(postgres_only):
    body = "<p>" + "Công Thương " * 12_000 + "</p>"
    article = make_article(title="Bài rất dài", sapo="Sapo.", body=body)
    assert search_titles("cong thuong") == [article.title]
