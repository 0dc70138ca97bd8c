"""Storage rules: NFC text, invisible characters, slugs computed on the server."""

import unicodedata

import pytest

from articles.models import Article, Category
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def test_nfd_title_is_stored_nfc_and_found_by_nfc_lookup():
    """An NFD title is stored NFC, so an NFC search finds it and it looks the same."""
    article = make_article(title=unicodedata.normalize("NFD", "Hà Nội mưa lớn"))
    article.refresh_from_db()
    assert article.title == "Hà Nội mưa lớn"
    assert unicodedata.is_normalized("NFC", article.title)
    assert Article.objects.filter(title="Hà Nội mưa lớn").exists()
    assert Article.objects.filter(title=unicodedata.normalize("NFD", "Hà Nội mưa lớn")).exists()


def test_every_text_field_stored_nfc():
    """Sapo, body, source, names: all NFC after saving NFD input."""
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    category = make_category(name=nfd("Địa phương"))
    author = make_author(display_name=nfd("Hoàng Anh"))
    article = make_article(
        title=nfd("Tiêu đề"),
        category=category,
        sapo=nfd("Sapo có dấu tiếng Việt"),
        body=nfd("<p>Nội dung đầy đủ</p>"),
        source=nfd("Theo Thông tấn xã"),
    )
    article.refresh_from_db()
    category.refresh_from_db()
    author.refresh_from_db()
    for value in (article.title, article.sapo, article.body, article.source, category.name,
                  author.display_name):  # fmt: skip
        assert unicodedata.is_normalized("NFC", value), value


def test_invisible_characters_stripped_from_titles_and_names():
    """Zero-width and bidi characters never reach titles, names or slugs."""
    article = make_article(title="Giá\u200b xăng\u202e giảm")
    author = make_author(display_name="Minh\u200d Thư")
    assert article.title == "Giá xăng giảm"
    assert article.slug == "gia-xang-giam"
    assert author.display_name == "Minh Thư"
    assert author.slug == "minh-thu"


def test_slug_computed_from_title_when_blank():
    """The server makes the slug: 'Đà Nẵng …' gives 'da-nang-…', never 'a-nang'."""
    article = make_article(title="Đà Nẵng đón 1 triệu khách")
    assert article.slug == "da-nang-don-1-trieu-khach"
    assert article.get_absolute_url() == f"/da-nang-don-1-trieu-khach-{article.pk}.html"


def test_category_slug_and_reserved_names():
    """Category slugs come from the name; a reserved first path segment is refused."""
    from django.core.exceptions import ValidationError

    category = make_category(name="Năng lượng")
    assert category.slug == "nang-luong"
    clash = Category(name="Admin", slug="admin")
    with pytest.raises(ValidationError):
        clash.full_clean()


def test_category_tree_is_two_levels():
    """A sub-category cannot have its own children."""
    from django.core.exceptions import ValidationError

    top = make_category(name="Năng lượng")
    child = make_category(name="Điện", parent=top)
    grandchild = Category(name="Thủy điện", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()


def test_author_slugs_unique_for_same_pen_name():
    """Two bylines with the same name get distinct slugs."""
    first, second = make_author("PV"), make_author("PV")
    assert first.slug == "pv"
    assert second.slug == "pv-2"


def test_bylines_keep_print_order():
    """Bylines come out in the order given, not alphabetically."""
    b, a = make_author("Thu Hà"), make_author("Anh Tuấn")
    article = make_article(authors=[b, a])
    assert [x.display_name for x in article.authors] == ["Thu Hà", "Anh Tuấn"]


def test_body_sanitised_on_every_save_even_outside_forms():
    """Saving through the ORM sanitises the body too: no code path stores a script."""
    article = make_article(body='<p onclick="x()">A</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>A</p>"
    Article.objects.filter(pk=article.pk).update(body="<p>B</p>")  # update() is SQL-level
    article.body = '<p>C</p><img src=x onerror="alert(1)">'
    article.save()
    article.refresh_from_db()
    assert "onerror" not in article.body


def test_explicit_id_is_kept():
    """Imported articles keep their public id."""
    article = make_article(id=139085)
    assert article.pk == 139085
    assert Article.objects.get(pk=139085).title == article.title


@pytest.mark.parametrize("prefix", ["/", "/bao/"])
def test_addresses_built_directly_are_the_ones_reverse_gives(prefix):
    """Article and category addresses skip reverse() for plain slugs: they must be the
    same address, under any script prefix, and odd slugs still go through reverse()."""
    from django.urls import clear_script_prefix, reverse, set_script_prefix

    category = make_category(name="Công Thương")
    plain = make_article(title="Xuất khẩu gạo tăng mạnh", category=category)
    odd = make_article(title="Tin lạ", category=category)
    Article.objects.filter(pk=odd.pk).update(slug="tin lạ_1")
    odd.refresh_from_db()
    set_script_prefix(prefix)
    try:
        for article in (plain, odd):
            expected = reverse("articles:detail", kwargs={"slug": article.slug, "pk": article.pk})
            assert article.get_absolute_url() == expected
        assert category.get_absolute_url() == reverse(
            "articles:category", kwargs={"slug": category.slug}
        )
        assert plain.get_absolute_url() == f"{prefix}xuat-khau-gao-tang-manh-{plain.pk}.html"
    finally:
        clear_script_prefix()
