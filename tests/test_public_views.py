"""The public site: visibility, canonical URLs, 404s, pagination and query counts."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, SiteSettings
from tests.factories import (
    FIXED_NOW,
    make_article,
    make_author,
    make_category,
    make_photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    s = SiteSettings.load()
    s.hotline = "0866.59.4498"
    s.site_name = "Báo Công Thương"
    s.owner_agency = "Bộ Công Thương"
    s.licence_number = "71/GP-BTTTT"
    s.editor_in_chief = "Nguyễn Văn A"
    s.save()
    return s


@pytest.fixture
def hidden_articles():
    """A draft and a scheduled article, with titles no public page may show."""
    category = make_category(name="Công Thương")
    author = make_author("Minh Thư")
    draft = make_article(
        title="Bản nháp bí mật", category=category, status=Article.Status.DRAFT, authors=[author]
    )
    scheduled = make_article(
        title="Bài hẹn giờ chưa đến",
        category=category,
        published_at=timezone.now() + timedelta(hours=2),
        authors=[author],
    )
    return draft, scheduled


def test_layout_header_footer_in_vietnamese(client, site):
    """Every page shows the hotline, today's date in full Vietnamese, and the masthead."""
    with time_machine.travel(FIXED_NOW, tick=False):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đường dây nóng: 0866.59.4498" in html
    assert "Thứ bảy 26/09/2020 23:35" in html
    assert "Cơ quan chủ quản: Bộ Công Thương" in html
    assert "Giấy phép số 71/GP-BTTTT" in html
    assert "Tổng biên tập: Nguyễn Văn A" in html


def test_article_page_shows_the_printed_parts(client, site):
    """Title as h1, '18:35 | 18/06/2020', bold sapo, body, figures, bylines, source."""
    category = make_category(name="Công Thương")
    photo = make_photo(caption="Hội nghị điển hình tiên tiến", credit="Ảnh: Minh Thư")
    article = make_article(
        title="Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh thi đua",
        category=category,
        published_at=timezone.make_aware(timezone.datetime(2020, 6, 18, 18, 35)),
        sapo="Ngày 18/6, Công đoàn ngành Công Thương tổ chức hội nghị.",
        body="<p>Đoạn một.</p><p>Đoạn hai.</p>",
        source="Theo Báo Thanh Hóa",
        authors=[make_author("Minh Thư"), make_author("Hoàng Anh")],
        photos=[photo],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<h1 class="article-title">Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh thi đua</h1>' in html
    )
    assert "18:35 | 18/06/2020" in html
    assert "<strong>Ngày 18/6, Công đoàn ngành Công Thương tổ chức hội nghị.</strong>" in html
    assert "<p>Đoạn một.</p><p>Đoạn hai.</p>" in html
    assert "<figcaption>Hội nghị điển hình tiên tiến" in html
    assert '<span class="photo-credit">Ảnh: Minh Thư</span>' in html
    assert html.index("Đoạn hai.") < html.index(">Minh Thư</a> - <a")
    assert "Theo Báo Thanh Hóa" in html
    assert f'href="{category.get_absolute_url()}">Công Thương</a>' in html


def test_article_url_shape_and_wrong_slug_redirects(client):
    """/<slug>-<id>.html; a wrong or old slug answers 301 to the canonical URL."""
    article = make_article(title="Đà Nẵng mưa lớn")
    assert article.get_absolute_url() == f"/da-nang-mua-lon-{article.pk}.html"
    for wrong in (f"/tieu-de-cu-{article.pk}.html", f"/dja-nng-ma-ln-{article.pk}.html"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/khong-co-999999.html",
        "/abc-12x.html",
        "/abc-.html",
        "/abc-1.5.html",
        "/abc-99999999999999999999.html",
    ],
)
def test_unknown_or_malformed_ids_are_404(client, path):
    """Unknown ids and non-digit ids are 404, never 500."""
    make_article()
    assert client.get(path).status_code == 404


def test_hidden_articles_404_and_reveal_nothing(client, site, hidden_articles):
    """A draft's or a scheduled article's URL is a 404 that shows nothing of it."""
    for article in hidden_articles:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 404
        html = response.content.decode()
        assert article.title not in html
        assert article.sapo not in html
        assert "Không tìm thấy trang" in html
        # Even with the right id but another slug: 404, no redirect that leaks the slug.
        response = client.get(f"/x-{article.pk}.html")
        assert response.status_code == 404


def test_hidden_articles_on_no_public_page(client, site, hidden_articles):
    """Drafts and future-dated articles appear on no home, category or author page."""
    visible = make_article(title="Bài đã xuất bản", category=hidden_articles[0].category,
                           authors=[hidden_articles[0].authors[0]])  # fmt: skip
    author = hidden_articles[0].authors[0]
    pages = ["/", visible.category.get_absolute_url(), author.get_absolute_url(),
             visible.get_absolute_url()]  # fmt: skip
    for path in pages:
        html = client.get(path).content.decode()
        assert "Bài đã xuất bản" in html, path
        for hidden in hidden_articles:
            assert hidden.title not in html, path


def test_scheduled_article_appears_at_its_minute_without_any_job(client):
    """Visibility is decided at query time: T−1 s hidden, T+1 s visible."""
    due = FIXED_NOW + timedelta(minutes=30)
    with time_machine.travel(FIXED_NOW, tick=False):
        article = make_article(title="Công bố giá điện mới", published_at=due)
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Công bố giá điện mới" not in client.get("/").content.decode()
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Công bố giá điện mới" in client.get("/").content.decode()


def test_category_page_includes_children_newest_first(client):
    """A section lists its own and its sub-sections' articles, newest first."""
    energy = make_category(name="Năng lượng")
    power = make_category(name="Điện", parent=energy)
    other = make_category(name="Thời sự")
    now = timezone.now()
    make_article(title="Bài cũ về năng lượng", category=energy, published_at=now - timedelta(2))
    make_article(title="Bài mới về điện", category=power, published_at=now - timedelta(1))
    make_article(title="Tin thời sự", category=other)
    html = client.get("/nang-luong/").content.decode()
    assert "Bài mới về điện" in html and "Bài cũ về năng lượng" in html
    assert "Tin thời sự" not in html
    assert html.index("Bài mới về điện") < html.index("Bài cũ về năng lượng")
    child_html = client.get("/dien/").content.decode()
    assert "Bài mới về điện" in child_html and "Bài cũ về năng lượng" not in child_html


def test_unknown_category_is_404(client):
    assert client.get("/khong-ton-tai/").status_code == 404


@pytest.fixture
def forty_five_articles():
    category = make_category(name="Kinh tế")
    now = timezone.now()
    for i in range(45):
        make_article(title=f"Tin kinh tế số {i}", category=category,
                     published_at=now - timedelta(minutes=i + 1))  # fmt: skip
    return category


def test_pagination_twenty_per_page(client, forty_five_articles):
    """20 per page: pages 1 and 2 full, page 3 has 5, page 4 is 404."""
    url = forty_five_articles.get_absolute_url()
    page1 = client.get(url).content.decode()
    assert page1.count('class="card-title"') == 20
    assert "Tin kinh tế số 0<" in page1 and 'href="?page=2"' in page1
    assert client.get(url + "?page=2").content.decode().count('class="card-title"') == 20
    page3 = client.get(url + "?page=3").content.decode()
    assert page3.count('class="card-title"') == 5
    assert "Tin kinh tế số 44<" in page3


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "4", "99999999999999999999", "1.5", "", "²", "①", "٣"]
)
def test_bad_page_numbers_are_404(client, forty_five_articles, page):
    """A page that is not a positive integer, or is past the end, is 404 (never 500)."""
    response = client.get(forty_five_articles.get_absolute_url(), {"page": page})
    assert response.status_code == 404


def test_author_page_lists_byline_articles(client):
    """/tac-gia/<slug>/ lists the articles carrying that byline."""
    author = make_author("Minh Thư")
    make_article(title="Bài của Minh Thư", authors=[author])
    make_article(title="Bài của người khác", authors=[make_author("Hoàng Anh")])
    response = client.get("/tac-gia/minh-thu/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bài của Minh Thư" in html and "Bài của người khác" not in html
    assert client.get("/tac-gia/khong-co/").status_code == 404


def test_home_has_featured_latest_and_category_blocks(client):
    """Home: the featured article on top, latest list, and one block per section."""
    trade = make_category(name="Công Thương")
    energy = make_category(name="Năng lượng")
    make_article(title="Bài nổi bật hôm nay", category=trade, is_featured=True,
                 published_at=timezone.now() - timedelta(days=1))  # fmt: skip
    make_article(title="Tin năng lượng mới", category=energy)
    html = client.get("/").content.decode()
    featured_at = html.index('class="featured"')
    assert featured_at < html.index("Bài nổi bật hôm nay") < html.index('class="latest"')
    assert 'href="/cong-thuong/">Công Thương</a></h2>' in html
    assert 'href="/nang-luong/">Năng lượng</a></h2>' in html


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def _add_articles(category, authors, n, photo):
    for i in range(n):
        make_article(title=f"Bài số {i} trong {category.name}", category=category,
                     authors=authors, lead_photo=photo, photos=[photo])  # fmt: skip


def test_query_count_fixed_whatever_the_number_of_articles(client, site, cache_backend):
    """Each public page runs the same number of SQL queries for 2 or 25 articles a
    section, 2 or 6 sections, 2 or 4 bylines, one or many photos, with the caches warm on
    local memory and on Redis (performance budget: home ≤ 8, category ≤ 6, article ≤ 8,
    author ≤ 6)."""
    top = make_category(name="Công Thương")
    child = make_category(name="Xuất nhập khẩu", parent=top)
    other = make_category(name="Năng lượng")
    authors = [make_author("Minh Thư"), make_author("Hoàng Anh")]
    photo = make_photo()
    _add_articles(child, authors, 2, photo)
    _add_articles(other, authors, 2, photo)
    sample = Article.objects.published().first()
    # An inline library photo in the body (its srcset comes from one more lookup).
    sample.body = (
        f'<p>Mở đầu.</p><figure class="image"><img alt="Ảnh" src="{photo.image.url}">'
        "<figcaption>Chú thích</figcaption></figure><p>Kết.</p>"
    )
    sample.save()
    pages = ["/", "/cong-thuong/", "/tac-gia/minh-thu/", sample.get_absolute_url()]

    def measure():
        cache.clear()
        for path in pages:  # warm caches (site settings, list counts), as on a running site
            client.get(path)
        return {path: _count_queries(client, path) for path in pages}

    before = measure()
    authors += [make_author("Ngọc Lan"), make_author("Quốc Anh")]
    _add_articles(child, authors, 23, photo)
    _add_articles(other, authors, 23, make_photo())
    for number in range(4):
        _add_articles(make_category(name=f"Chuyên mục thêm {number}"), authors, 5, make_photo())
    after = measure()
    assert before == after, (before, after)
    article_page = sample.get_absolute_url()
    assert after["/"] <= 8, after
    assert after["/cong-thuong/"] <= 6, after
    assert after[article_page] <= 8, after
    assert after["/tac-gia/minh-thu/"] <= 6, after


def test_list_count_is_cached_but_articles_are_live(client, cache_backend):
    """The section's total is cached for a minute; the page's articles are always live,
    so a newly due article shows at once and a taken-down one disappears at once."""
    category = make_category(name="Thị trường")
    first = make_article(title="Tin thị trường đầu tiên", category=category)
    assert "Tin thị trường đầu tiên" in client.get("/thi-truong/").content.decode()
    with CaptureQueriesContext(connection) as cached:
        client.get("/thi-truong/")
    assert not any("COUNT(" in q["sql"].upper() for q in cached.captured_queries)
    make_article(title="Tin thị trường mới", category=category)
    html = client.get("/thi-truong/").content.decode()
    assert "Tin thị trường mới" in html
    assert "Tin thị trường đầu tiên" in html  # not pushed off by the cached count of 1
    Article.objects.filter(pk=first.pk).update(status=Article.Status.TAKEN_DOWN)
    assert "Tin thị trường đầu tiên" not in client.get("/thi-truong/").content.decode()
