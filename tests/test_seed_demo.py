"""`manage.py seed_demo`: idempotent demo content, role accounts and load-test articles."""

import io
import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import demo_content
from articles.demo_content import ARTICLES, ROLE_ACCOUNTS, SUPERUSER
from articles.models import Article, ArticlePhoto, Author, Byline, Category, Photo, SiteSettings
from articles.text import vietnamese_slugify

pytestmark = pytest.mark.django_db

ALL_USERNAMES = [username for username, _ in ROLE_ACCOUNTS] + [SUPERUSER]
PUBLIC_SAMPLES = [spec for spec in ARTICLES if not spec.draft and spec.hours_ago >= 0]
HIDDEN_SAMPLES = [spec for spec in ARTICLES if spec.draft or spec.hours_ago < 0]


@pytest.fixture(autouse=True)
def _skip_demo_renditions(monkeypatch):
    """Seeding tests check accounts, text and articles; renditions have their own tests
    (tests/test_renditions.py), and making them for 35 demo photos takes minutes here."""
    monkeypatch.setattr("articles.demo_content.generate_renditions", lambda photo: [])


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def printed_passwords(output):
    """{username: password} from the accounts table, for rows that show one."""
    passwords = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 3 and cells[0] in ALL_USERNAMES and not cells[2].startswith("("):
            passwords[cells[0]] = cells[2]
    return passwords


def snapshot():
    """Every seeded row, with the values a rerun must not change."""
    return {
        "site": list(SiteSettings.objects.values()),
        "categories": list(Category.objects.order_by("pk").values()),
        "authors": list(Author.objects.order_by("pk").values()),
        "articles": list(Article.objects.order_by("pk").values()),
        "bylines": list(Byline.objects.order_by("pk").values()),
        "photos": list(Photo.objects.order_by("pk").values()),
        "photo_uses": list(ArticlePhoto.objects.order_by("pk").values()),
        "users": list(
            get_user_model().objects.order_by("pk").values("username", "password", "is_staff")
        ),
    }


def test_second_run_creates_nothing_and_changes_nothing():
    """A rerun finds every row by slug or username and leaves it exactly as it was."""
    seed()
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "tạo mới 0" in output
    assert output.count("đã có, giữ nguyên mật khẩu") == len(ALL_USERNAMES)


def test_new_accounts_get_a_printed_password_that_works_and_is_shown_once(client):
    """Each new account's random password is printed once, and logs that account in."""
    passwords = printed_passwords(seed())
    assert set(passwords) == set(ALL_USERNAMES)
    assert len(set(passwords.values())) == len(ALL_USERNAMES)
    for username, password in passwords.items():
        assert client.login(username=username, password=password), username
    rerun = seed()
    assert printed_passwords(rerun) == {}
    assert not any(password in rerun for password in passwords.values())


def test_each_role_account_is_staff_in_its_newsroom_group():
    """phongvien, bientapvien, thukytoasoan and tongbientap are staff in their role's group;
    admin is a superuser."""
    seed()
    User = get_user_model()
    for username, role in ROLE_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
    admin = User.objects.get(username=SUPERUSER)
    assert admin.is_staff and admin.is_superuser


def test_password_option_sets_every_account_including_existing_ones(client):
    """--password PW applies to new accounts and resets existing ones, so scripts can log in."""
    seed()
    output = seed("--password", "mat-khau-kiem-thu-2024")
    assert output.count("(đặt theo --password)") == len(ALL_USERNAMES)
    for username in ALL_USERNAMES:
        assert client.login(username=username, password="mat-khau-kiem-thu-2024"), username


def test_existing_account_is_not_modified_without_password_option():
    """An account that already exists keeps its password, flags and groups on a rerun."""
    get_user_model().objects.create_user("phongvien", password="mat-khau-cu-123")
    output = seed()
    user = get_user_model().objects.get(username="phongvien")
    assert user.check_password("mat-khau-cu-123")
    assert not user.is_staff and not user.groups.exists()
    assert "phongvien" not in printed_passwords(output)


def test_sample_articles_are_published_and_public(client):
    """The ~30 sample articles are published in the past ten days, with 1–2 ordered bylines,
    and their pages are public."""
    seed()
    published = Article.objects.published()
    assert published.count() == len(PUBLIC_SAMPLES) >= 30
    assert published.filter(is_featured=True).count() in (1, 2)
    assert published.values("category").distinct().count() >= 12
    for article in published.for_listing():
        positions = [entry.position for entry in article.byline_entries.all()]
        assert positions in ([0], [0, 1]), article.title
        assert client.get(article.get_absolute_url()).status_code == 200
    oldest = published.order_by("published_at").first().published_at
    newest = published.latest_first().first().published_at
    assert (newest - oldest).days in range(7, 11)


def test_drafts_and_the_scheduled_article_stay_hidden(client):
    """Two drafts and one article scheduled two days ahead exist but are not public."""
    seed()
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    assert hidden.count() == len(HIDDEN_SAMPLES) == 3
    assert sum(article.is_scheduled for article in hidden) == 1
    for article in hidden:
        assert not article.is_published
        assert client.get(article.get_absolute_url()).status_code == 404


def test_all_seeded_text_is_nfc():
    """Titles, sapos, bodies, names and captions are stored (and written) in NFC."""
    seed()
    values = [
        *Article.objects.values_list("title", "sapo", "body", "slug"),
        *Category.objects.values_list("name", "description"),
        *Author.objects.values_list("display_name", "bio"),
        *Photo.objects.values_list("caption", "credit", "alt_text"),
        *SiteSettings.objects.values_list(
            "site_name", "owner_agency", "address", "editor_in_chief"
        ),
    ]
    texts = [text for row in values for text in row]
    texts += [text for spec in ARTICLES for text in (spec.title, spec.sapo, spec.body)]
    assert texts and all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert "Bộ Công Thương" in texts


def test_photos_have_files_dimensions_captions_and_credits():
    """Drawn photos are stored through the upload pipeline with size, caption, credit, alt."""
    seed()
    photos = Photo.objects.all()
    assert photos.count() >= 30
    for photo in photos:
        assert (photo.width, photo.height) == (1200, 675)
        assert default_storage.exists(photo.image.name)
        assert photo.caption and photo.alt_text
        assert photo.credit.startswith("Ảnh: ")
    with_lead = Article.objects.published().exclude(lead_photo=None).count()
    assert with_lead > Article.objects.published().count() * 2 / 3


def test_body_figures_point_at_stored_photos_and_survive_sanitising():
    """Inline figures keep image2's markup (class, size, caption, credit) after nh3."""
    seed()
    bodies_with_figures = [a for a in Article.objects.all() if "<figure" in a.body]
    assert len(bodies_with_figures) >= 4
    for article in bodies_with_figures:
        use = article.photo_uses.get()
        assert f'<figure class="image"><img src="{use.photo.image.url}"' in article.body
        assert 'width="1200" height="675"' in article.body
        assert f'<span class="photo-credit">{use.photo.credit}</span>' in article.body


def test_categories_form_a_two_level_menu():
    """Sections are ordered on the menu, with sub-sections such as Kinh tế › Xuất nhập khẩu."""
    seed()
    sections = list(Category.objects.filter(parent=None).values_list("name", flat=True))
    assert sections[:8] == [
        "Thời sự",
        "Công Thương",
        "Kinh tế",
        "Thị trường",
        "Năng lượng",
        "Địa phương",
        "Pháp luật",
        "Xã hội",
    ]
    children = set(Category.objects.exclude(parent=None).values_list("parent__name", "name"))
    assert {
        ("Kinh tế", "Xuất nhập khẩu"),
        ("Thị trường", "Giá cả"),
        ("Năng lượng", "Điện"),
        ("Năng lượng", "Xăng dầu"),
    } <= children
    assert not Category.objects.filter(parent__parent__isnull=False).exists()


def test_site_settings_fill_blanks_but_keep_edited_values():
    """An empty masthead row (as SiteSettings.load() creates) is filled; edits are kept."""
    site = SiteSettings.load()
    site.hotline = "0243.000.000"
    site.save()
    seed()
    site = SiteSettings.objects.get()
    assert site.hotline == "0243.000.000"
    assert site.owner_agency == "Bộ Công Thương"
    assert site.contact_email and "Hà Nội" in site.address and site.licence_date


def test_articles_option_adds_exactly_that_many_public_articles_with_a_byline():
    """--articles 50 adds 50 published, public articles like a newsroom's: one or two
    bylines, a slug, bodies of several hundred words with a subheading, and most with a
    lead photo of their own (caption, credit, renditions shared with the demo library)."""
    seed()
    from articles.renditions import generate_renditions  # the real one, for two photos

    for photo in Photo.objects.order_by("pk")[:2]:
        generate_renditions(photo)
    before = set(Article.objects.published().values_list("pk", flat=True))
    output = seed("--articles", "50")
    added = Article.objects.published().exclude(pk__in=before)
    assert added.count() == 50
    assert Article.objects.count() == len(ARTICLES) + 50
    assert "Đã thêm 50 bài tổng hợp" in output
    for article in added.prefetch_related("byline_entries").select_related("lead_photo"):
        assert 1 <= len(article.byline_entries.all()) <= 2
        assert article.slug == vietnamese_slugify(article.title)
        words = len(re.sub(r"<[^>]+>", " ", article.body).split())
        assert 550 <= words <= 900, words
        assert "<h2>" in article.body
        if article.lead_photo:
            photo = article.lead_photo
            assert photo.caption and photo.credit and photo.rendition_index
        assert 1 <= article.tags.count() <= 4
    assert added.values("title").distinct().count() > 10
    with_photo = added.filter(lead_photo__isnull=False).count()
    assert 20 <= with_photo <= 48  # seven in ten, give or take chance


def test_negative_article_count_is_refused():
    """--articles -1 is an error, not a silent no-op."""
    with pytest.raises(CommandError):
        seed("--articles", "-1")


def test_photo_labels_fall_back_to_unaccented_text_without_a_vietnamese_font(monkeypatch):
    """Pillow's built-in font has no Vietnamese glyphs: drop accents rather than draw boxes."""
    monkeypatch.setattr(demo_content, "FONT_CANDIDATES", ("khong-co-font-nay.ttf",))
    _font, text = demo_content._label_font("ĐIỆN MẶT TRỜI", max_width=1000)
    assert text == "DIEN MAT TROI"


def test_demo_has_tags_and_an_event_thread_readers_can_open(client):
    """The sample's tags and thread fill the tag pages, thread box and related lists;
    every tagged title is a sample article (a renamed sample would drop its tags)."""
    titles = {spec.title for spec in ARTICLES}
    assert set(demo_content.DEMO_TAGS) <= titles
    assert set(demo_content.DEMO_THREAD[2]) <= titles
    seed()
    assert client.get("/tu-khoa/gia-xang-dau/").status_code == 200
    response = client.get("/dong-su-kien/dieu-hanh-gia-xang-dau/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card-title"') == 3
