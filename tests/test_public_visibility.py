"""What readers may see: `Article.objects.published()` decides it for every public surface.

- An article in the trash is hidden everywhere, even if its status still says published
  (trashing keeps the status; only `deleted_at` changes).
- A scheduled article becomes visible at its exact publish instant, not a moment later.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article, Correction
from tests.factories import FIXED_NOW, make_article, make_author, make_category

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")
CORRECTIONS = reverse("articles:corrections")


@pytest.fixture
def trashed_and_live():
    """Two published articles with the same section, sub-section and byline, each with a
    correction notice; one is in the trash. The trashed one is newer and featured, so it
    would lead the home page and every list if the trash were not filtered."""
    section = make_category("Năng lượng")
    subsection = make_category("Điện lực", parent=section)
    author = make_author("Minh Thư")
    with time_machine.travel(FIXED_NOW, tick=False):
        live = make_article(
            title="Tin vẫn đang hiển thị",
            category=subsection,
            authors=[author],
            published_at=FIXED_NOW - timedelta(hours=3),
        )
        trashed = make_article(
            title="Bài đã vào thùng rác",
            category=subsection,
            authors=[author],
            is_featured=True,
            published_at=FIXED_NOW - timedelta(hours=1),
            deleted_at=FIXED_NOW - timedelta(minutes=30),
        )
        Correction.objects.create(article=live, text="Cải chính cho tin đang hiển thị.")
        Correction.objects.create(article=trashed, text="Cải chính cho bài trong thùng rác.")
    assert trashed.status == Article.Status.PUBLISHED and trashed.is_deleted
    return {"live": live, "trashed": trashed, "section": section, "subsection": subsection,
            "author": author}  # fmt: skip


def public_pages(data):
    """Every public page that lists or shows articles, for the fixture's articles."""
    return {
        "home": HOME,
        "section": data["section"].get_absolute_url(),
        "subsection": data["subsection"].get_absolute_url(),
        "author": data["author"].get_absolute_url(),
        "corrections": CORRECTIONS,
        # The live article's page: its "related" box lists same-section articles.
        "live article": data["live"].get_absolute_url(),
    }


def test_trashed_published_article_appears_on_no_public_page(client, trashed_and_live):
    """Home (featured, latest, section blocks), section and sub-section pages, the author
    page, the corrections page and the related box of a sibling article show the live
    article but nothing of the trashed one: no title, no link, no correction notice."""
    live, trashed = trashed_and_live["live"], trashed_and_live["trashed"]
    with time_machine.travel(FIXED_NOW, tick=False):
        for name, path in public_pages(trashed_and_live).items():
            response = client.get(path)
            assert response.status_code == 200, name
            html = response.content.decode()
            assert live.title in html, name  # the page does list articles
            assert trashed.title not in html, name
            assert trashed.get_absolute_url() not in html, name
            assert "Cải chính cho bài trong thùng rác." not in html, name
        corrections = client.get(CORRECTIONS).content.decode()
        assert "Cải chính cho tin đang hiển thị." in corrections


def test_home_does_not_lead_with_a_trashed_featured_article(client, trashed_and_live):
    """The featured slot falls back to the newest live article."""
    with time_machine.travel(FIXED_NOW, tick=False):
        response = client.get(HOME)
    assert response.context["featured"] == trashed_and_live["live"]
    shown = [article.pk for article in response.context["latest"]]
    for _section, articles in response.context["blocks"]:
        shown += [article.pk for article in articles]
    assert trashed_and_live["trashed"].pk not in shown


def test_trashed_published_article_page_is_404(client, trashed_and_live):
    """Its own URL (and any slug with its id) is a 404 that shows nothing of it."""
    trashed = trashed_and_live["trashed"]
    with time_machine.travel(FIXED_NOW, tick=False):
        for path in (trashed.get_absolute_url(), f"/tieu-de-khac-{trashed.pk}.html"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert trashed.title not in response.content.decode()


def test_published_queryset_excludes_the_trash(trashed_and_live):
    """The one place the rule lives: published() leaves trashed rows out."""
    with time_machine.travel(FIXED_NOW, tick=False):
        assert list(Article.objects.published()) == [trashed_and_live["live"]]
        assert list(Correction.objects.public()) == [trashed_and_live["live"].corrections.get()]


def test_restoring_from_the_trash_makes_it_public_again(client, trashed_and_live):
    """The hiding comes from the trash alone: out of the trash, the same article is live."""
    trashed = trashed_and_live["trashed"]
    Article.objects.filter(pk=trashed.pk).update(deleted_at=None)
    with time_machine.travel(FIXED_NOW, tick=False):
        assert client.get(trashed.get_absolute_url()).status_code == 200
        assert trashed.title in client.get(HOME).content.decode()


# -- the exact publish instant --

DUE = FIXED_NOW + timedelta(minutes=30)


@pytest.fixture
def scheduled():
    category = make_category("Thị trường")
    author = make_author("Hoàng Anh")
    with time_machine.travel(FIXED_NOW, tick=False):
        return make_article(
            title="Giá điện mới có hiệu lực", category=category, authors=[author], published_at=DUE
        )


def visible_where(client, article):
    """The public surfaces that show the article right now."""
    pages = {
        "article page": article.get_absolute_url(),
        "home": HOME,
        "category": article.category.get_absolute_url(),
        "author": article.authors[0].get_absolute_url(),
    }
    found = set()
    for name, path in pages.items():
        response = client.get(path)
        if response.status_code == 200 and article.title in response.content.decode():
            found.add(name)
    return found


def test_scheduled_article_is_visible_exactly_at_its_publish_instant(client, scheduled):
    """published_at <= now: at the very instant it is visible everywhere; one microsecond
    earlier, nowhere."""
    everywhere = {"article page", "home", "category", "author"}
    with time_machine.travel(DUE - timedelta(microseconds=1), tick=False):
        assert visible_where(client, scheduled) == set()
        assert not Article.objects.published().exists()
        assert Article.objects.get().is_scheduled
    with time_machine.travel(DUE, tick=False):
        assert visible_where(client, scheduled) == everywhere
        assert list(Article.objects.published()) == [scheduled]
        article = Article.objects.get()
        assert article.is_published and not article.is_scheduled
        assert list(Article.objects.scheduled()) == []
