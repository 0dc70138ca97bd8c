"""The pre-publish checklist (articles/checklist.py): each rule, hard and soft, and its
enforcement by the transition service at approval and publishing, whoever asks (the
change form, a bulk action, code)."""

import pytest
from django.urls import reverse

from articles import checklist, services
from articles.checklist import ChecklistRefused, Override
from articles.models import Article, ArticleEvent, Category
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    database_state,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return make_category("Kinh tế")


@pytest.fixture
def byline():
    return make_author("Minh Thư")


def ready(category, byline, **fields):
    """An article every rule passes, in review, unless told otherwise."""
    fields.setdefault("status", Article.Status.EDITED)
    fields.setdefault("published_at", None)
    return make_article(
        title=fields.pop("title", "Giá xăng giảm lần thứ ba liên tiếp"),
        category=category,
        authors=fields.pop("authors", [byline]),
        sapo=fields.pop("sapo", "Liên Bộ Công Thương - Tài chính điều chỉnh giá xăng dầu."),
        body=fields.pop("body", "<p>Giá xăng RON95 giảm 320 đồng mỗi lít từ 15 giờ chiều nay.</p>"),
        **fields,
    )


def finding(article, rule):
    return next(f for f in checklist.evaluate(article) if f.rule == rule)


# -- each rule --


def test_a_complete_article_passes_every_rule(category, byline):
    findings = checklist.evaluate(ready(category, byline))
    assert [f.rule for f in findings if not f.ok] == []
    assert {f.rule for f in findings} == {
        "headline", "headline_length", "sapo", "sapo_length", "byline", "category", "photos",
        "empty_paragraphs", "placeholder",
    }  # fmt: skip


def test_headline_is_required_and_hard():
    result = finding(Article(title="  "), "headline")
    assert (result.ok, result.soft, result.anchor) == (False, False, "id_title")
    assert result.message == "Nhập tiêu đề."


def test_headline_over_the_house_limit_is_a_soft_warning(settings, category, byline):
    settings.HEADLINE_HOUSE_LIMIT = 20
    assert finding(ready(category, byline, title="Hai mươi ký tự đúng!"), "headline_length").ok
    result = finding(ready(category, byline, title="Hai mươi mốt ký tự!!!"), "headline_length")
    assert (result.ok, result.soft) == (False, True)
    assert "dài 21 ký tự, quá mức 20" in result.message


def test_the_house_limit_counts_composed_characters(settings):
    """NFD "Hà Nội" (9 code points) counts as its NFC 6 once stored cleaned."""
    settings.HEADLINE_HOUSE_LIMIT = 6
    article = Article(title="Hà Nội")  # NFC: what the LineField stores
    assert finding(article, "headline_length").ok
    assert checklist.char_count("Hà Nội") == 6


def test_missing_sapo_is_soft_and_over_long_sapo_too(settings, category, byline):
    result = finding(ready(category, byline, sapo=""), "sapo")
    assert (result.ok, result.soft, result.anchor) == (False, True, "id_sapo")
    settings.SAPO_HOUSE_LIMIT = 10
    result = finding(ready(category, byline, sapo="Mười một ký"), "sapo_length")
    assert (result.ok, result.soft) == (False, True)


def test_a_byline_is_required_and_hard(category):
    result = finding(make_article(category=category), "byline")
    assert (result.ok, result.soft, result.anchor) == (False, False, "desk-bylines")
    assert "tác giả" in result.message


def test_a_category_is_required_and_hard():
    result = finding(Article(title="Chưa có chuyên mục"), "category")
    assert (result.ok, result.soft) == (False, False)
    assert result.message == "Chọn chuyên mục."


def test_every_photo_needs_caption_and_credit_hard(category, byline):
    photo = make_photo(caption="Cảng Lạch Huyện", credit="")
    result = finding(ready(category, byline, lead_photo=photo), "photos")
    assert (result.ok, result.soft) == (False, False)
    assert [problem.photo for problem in result.photos] == [photo]
    assert f"Ảnh #{photo.pk}" in result.message and "thiếu tác giả ảnh" in result.message


@pytest.mark.parametrize(
    "body, count",
    [
        ("<p>Đoạn một.</p><p>&nbsp;</p><p>Đoạn hai.</p>", 1),
        ("<p>Một.</p><p><br></p><p> </p>", 2),
        ("<p>Một.</p><p><strong></strong></p>", 1),
        ('<p><img src="{photo}" alt=""></p><p>Hai.</p>', 0),
    ],
)
def test_empty_paragraphs_are_a_soft_warning(category, byline, body, count):
    """A paragraph holding only an image is not empty."""
    body = body.format(photo=make_photo().image.url)
    result = finding(ready(category, byline, body=body), "empty_paragraphs")
    assert result.ok == (count == 0)
    assert result.soft
    if count:
        assert f"có {count} đoạn trống" in result.message


@pytest.mark.parametrize(
    "field, text",
    [
        ("body", "<p>Lorem ipsum dolor sit amet.</p>"),
        ("body", "<p>Giá tăng xxx đồng mỗi lít.</p>"),
        ("sapo", "TODO: viết sapo"),
        ("title", "Giá xăng XXXX"),
    ],
)
def test_leftover_placeholder_text_is_hard(category, byline, field, text):
    result = finding(ready(category, byline, **{field: text}), "placeholder")
    assert (result.ok, result.soft) == (False, False)
    assert "chữ tạm" in result.message.lower()


def test_ordinary_words_are_not_placeholders(category, byline):
    article = ready(category, byline, body="<p>Texas và Todos Santos; Lorenzo; 2xx.</p>")
    assert finding(article, "placeholder").ok


def test_body_counts_read_vietnamese():
    body = "<p>" + " ".join(["chữ"] * 1234) + "</p><figure><figcaption>Ảnh</figcaption></figure>"
    assert checklist.body_counts(body)["text"] == "1.235 chữ · khoảng 5 phút đọc"
    assert checklist.body_counts("<p>Giá xăng giảm 1.234 đồng.</p>")["words"] == 5
    assert checklist.body_counts("")["text"] == "0 chữ"


# -- enforcement by the transition service --


@pytest.fixture
def staff():
    return {
        "reporter": make_user("phongvien", REPORTER),
        "editor": make_user("bientap", EDITOR),
        "managing": make_user("thuky", MANAGING_EDITOR),
        "chief": make_user("tongbientap", EDITOR_IN_CHIEF),
    }


def test_forward_is_refused_while_a_hard_rule_fails(category, staff):
    article = make_article(category=category, status=Article.Status.SUBMITTED, published_at=None)
    before = database_state()
    with pytest.raises(ChecklistRefused) as refused:
        services.transition_article(article, "forward", by=staff["editor"])
    assert [f.rule for f in refused.value.findings] == ["byline"]
    assert "Chưa thể “Chuyển duyệt”" in str(refused.value)
    assert database_state() == before


def test_submitting_is_not_checked(category, staff):
    """The writer may submit an unfinished article; the checklist guards approval."""
    reporter = staff["reporter"]
    article = make_article(category=category, status=Article.Status.DRAFT, created_by=reporter)
    services.transition_article(article, "submit", by=reporter)
    assert Article.objects.get(pk=article.pk).status == Article.Status.SUBMITTED


def test_publishing_is_refused_on_a_soft_rule_without_an_override(category, byline, staff):
    article = ready(category, byline, body="<p>Một.</p><p>&nbsp;</p>")
    with pytest.raises(ChecklistRefused) as refused:
        services.transition_article(article, "publish", by=staff["managing"])
    assert "đoạn trống" in str(refused.value)
    assert "hãy ghi lý do" in str(refused.value)
    assert Article.objects.get(pk=article.pk).status == Article.Status.EDITED


def test_a_managing_editor_overrides_a_soft_rule_with_a_reason(category, byline, staff, settings):
    settings.HEADLINE_HOUSE_LIMIT = 10
    article = ready(category, byline, body="<p>Một.</p><p>&nbsp;</p>")
    override = Override(
        reason="Tin nóng, sửa sau", rules=frozenset({"headline_length", "empty_paragraphs"})
    )
    services.transition_article(article, "publish", by=staff["managing"], override=override)
    article.refresh_from_db()
    assert article.is_published
    event = ArticleEvent.objects.get(article=article, action="checklist_override")
    assert event.actor == staff["managing"]
    assert event.reason.startswith("Tin nóng, sửa sau — Bỏ qua: ")
    assert "quá mức 10" in event.reason and "đoạn trống" in event.reason
    assert event.action_label == "Bỏ qua cảnh báo trước khi xuất bản"


def test_an_override_without_a_reason_is_refused(category, byline, staff):
    article = ready(category, byline, sapo="")
    override = Override(reason="   ", rules=frozenset({"sapo"}))
    with pytest.raises(ChecklistRefused):
        services.transition_article(article, "publish", by=staff["managing"], override=override)
    assert not ArticleEvent.objects.filter(action="checklist_override").exists()
    assert Article.objects.get(pk=article.pk).status == Article.Status.EDITED


def test_only_those_who_may_publish_override(category, byline, staff):
    article = ready(category, byline, sapo="", status=Article.Status.SUBMITTED)
    override = Override(reason="Tin ngắn, không cần sapo", rules=frozenset({"sapo"}))
    with pytest.raises(ChecklistRefused) as refused:
        services.transition_article(article, "forward", by=staff["editor"], override=override)
    assert "Chỉ người có quyền xuất bản" in str(refused.value)
    services.transition_article(article, "forward", by=staff["chief"], override=override)
    assert Article.objects.get(pk=article.pk).status == Article.Status.EDITED


def test_hard_rules_cannot_be_overridden(category, staff):
    article = make_article(category=category, status=Article.Status.EDITED, published_at=None)
    override = Override(reason="Cứ đăng", rules=frozenset({"byline"}))
    with pytest.raises(ChecklistRefused):
        services.transition_article(article, "publish", by=staff["chief"], override=override)
    assert not Article.objects.get(pk=article.pk).is_published


def test_an_override_covers_only_the_rules_it_names(category, byline, staff, settings):
    """A soft rule that began failing after the screen was shown is not waived unseen."""
    settings.HEADLINE_HOUSE_LIMIT = 10
    article = ready(category, byline, sapo="")
    override = Override(reason="Tin ngắn", rules=frozenset({"sapo"}))
    with pytest.raises(ChecklistRefused):
        services.transition_article(article, "publish", by=staff["managing"], override=override)


def test_bulk_publish_goes_through_the_checklist(client, category, byline, staff):
    good = ready(category, byline, title="Bài đủ điều kiện")
    bad = make_article(title="Bài thiếu tác giả", category=category,
                       status=Article.Status.EDITED, published_at=None)  # fmt: skip
    client.force_login(staff["managing"])
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    assert Article.objects.get(pk=good.pk).is_published
    assert not Article.objects.get(pk=bad.pk).is_published
    html = response.content.decode()
    assert "Bài thiếu tác giả" in html and "Thêm ít nhất một tác giả" in html


def test_unpublishing_and_reinstating_are_not_checked(category, staff):
    """Taking a step back never waits for the checklist."""
    article = make_article(category=category)  # published, no byline
    services.transition_article(article, "unpublish", by=staff["managing"])
    assert Article.objects.get(pk=article.pk).status == Article.Status.EDITED
    assert Category.objects.count() == 1
