"""The photo library's rules: search, who sees which photos, where a photo is used,
when it may be deleted, body credits, and the captions and credits publishing needs.

A photo is "used" by an article as its lead photo, as one of its attached photos
(`ArticlePhoto`), or by the body showing its file (an `<img>` whose address ends
with the photo's stored name, or one of its renditions' names).
"""

from dataclasses import dataclass, field
from functools import reduce
from html.parser import HTMLParser
from operator import or_
from urllib.parse import unquote, urlsplit

from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.utils.html import format_html

from articles.models import Article, ArticlePhoto, Photo, Rendition, Status
from articles.models.article import works_on_every_article
from articles.richtext import sanitize_html
from articles.search import MAX_TERMS
from articles.text import clean_line, fold, parse_number

# -- search --


def search_photos(queryset, query):
    """Photos whose folded text contains every word of `query` ("hoa" finds "Hòa",
    "hoà", "HOÀ" on every database); "12" or "#12" also finds photo #12."""
    query = clean_line(query or "")
    # Each word once, and only the first few: thousands of words would make a query
    # too deep for the database (SQLite refuses an expression tree over 1,000 levels).
    words = list(dict.fromkeys(fold(query).split()))[:MAX_TERMS]
    if not words:
        return queryset
    condition = reduce(lambda q, word: q & Q(search_text__contains=word), words, Q())
    number = parse_number(query.lstrip("#"))
    if number is not None:
        condition |= Q(pk=number)
    return queryset.filter(condition)


# -- who sees and edits what --


def sees_whole_library(user):
    """Those who work on every article see every photo."""
    return works_on_every_article(user)


def visible_photos(user, queryset=None):
    """The photos `user` may see in the library and reuse.

    Staff with `articles.view_photo` only. Editors and above (who work on every
    article) see the whole library. A reporter sees the photos they uploaded, the
    photos of published articles, and those of their own articles: a colleague's
    photos for an unpublished story stay out of sight until it is published.
    """
    queryset = Photo.objects.all() if queryset is None else queryset
    if not (user.is_active and user.is_staff and user.has_perm("articles.view_photo")):
        return queryset.none()
    if sees_whole_library(user):
        return queryset
    articles = Article.objects.published() | Article.objects.alive().owned_by(user)
    return queryset.filter(
        Q(uploaded_by=user)
        | Q(pk__in=articles.values("lead_photo"))
        | Q(pk__in=ArticlePhoto.objects.filter(article__in=articles).values("photo"))
    )


def can_edit_photo(user, photo):
    """Captions and credits are printed with every article using the photo: editors
    and above may change any photo, a reporter only the photos they uploaded. A photo
    readers see (or are about to: scheduled) on a public article changes only with the
    right to publish, since the change is live at once."""
    return photo_edit_refusal(user, photo) is None


def photo_edit_refusal(user, photo):
    """None if `user` may change `photo`'s caption and credit, else why not (Vietnamese,
    naming the public articles when that is the reason). See `can_edit_photo`."""
    if not user.has_perm("articles.change_photo"):
        return "Bạn không có quyền sửa ảnh trong thư viện."
    mine = photo.uploaded_by_id is not None and photo.uploaded_by_id == user.pk
    if not (mine or sees_whole_library(user)):
        return "Ảnh do người khác tải lên; chỉ biên tập viên trở lên được sửa chú thích."
    if photo.pk is None or user.has_perm("articles.publish_article"):
        return None
    live = published_uses([photo]).get(photo.pk)
    if not live:
        return None
    return (
        f"Ảnh đang hiện trong bài đã xuất bản {name_articles(live, user)}: chỉ người có "
        "quyền xuất bản mới được sửa chú thích và tác giả ảnh."
    )


def knowable_articles(articles, user):
    """The `articles` whose titles `user` may read: public ones and those they may open.
    A colleague's scheduled story is embargoed: its headline stays out of messages."""
    articles = list(articles)
    if user is not None and works_on_every_article(user):
        return articles
    mine = {article.pk for article in articles if user is not None and article.is_owned_by(user)}
    return [a for a in articles if a.pk in mine or (a.is_published and not a.is_deleted)]


def name_articles(articles, user):
    """ "“Title A”; “Title B”" for the articles `user` may know of, the rest counted
    ("1 bài hẹn giờ khác") without their titles."""
    articles = list(articles)
    known = knowable_articles(articles, user)
    names = [f"“{article.title}”" for article in known]
    hidden = len(articles) - len(known)
    if hidden:
        names.append(f"{hidden} bài hẹn giờ khác")
    return "; ".join(names)


def editable_photo_ids(user, photos):
    """`can_edit_photo` for a page of photos at once (one query, not one per photo)."""
    if not user.has_perm("articles.change_photo"):
        return set()
    whole = sees_whole_library(user)
    candidates = [p for p in photos if whole or (p.uploaded_by_id and p.uploaded_by_id == user.pk)]
    if user.has_perm("articles.publish_article"):
        return {photo.pk for photo in candidates}
    blocked = published_uses(candidates)
    return {photo.pk for photo in candidates if photo.pk not in blocked}


# -- where a photo is used --


def body_uses():
    """The stored (article, photo) pairs of photos shown in article bodies."""
    return Article.body_photos.through.objects.all()


def articles_using(photo):
    """Every article (trash included) using `photo`, most recently changed first."""
    condition = (
        Q(lead_photo=photo)
        | Q(pk__in=ArticlePhoto.objects.filter(photo=photo).values("article"))
        | Q(pk__in=body_uses().filter(photo=photo).values("article"))
    )
    if photo.image.name:
        condition |= Q(body__contains=photo.image.name)
    return Article.objects.filter(condition).order_by("-updated_at", "-id")


def use_count():
    """An annotation: how many articles (not in the trash) use each photo, as lead
    photo, attached photo or in the body. One correlated subquery over indexed
    lookups, so a list page costs the same whatever the number of photos."""
    photo = OuterRef(OuterRef("pk"))
    articles = Article.objects.alive().filter(
        Q(lead_photo=OuterRef("pk"))
        | Q(pk__in=ArticlePhoto.objects.filter(photo=photo).values("article"))
        | Q(pk__in=body_uses().filter(photo=photo).values("article"))
    )
    count = Func(F("pk"), function="COUNT")
    return Subquery(articles.order_by().annotate(n=count).values("n"), output_field=IntegerField())


def record_body_photos(article):
    """Store which library photos `article`'s body shows (images of a photo or of one
    of its renditions). Derived data, rebuilt from the body after each save."""
    srcs = _scan(article.body).all_srcs() if "<img" in (article.body or "") else []
    photos = {photo.pk for photo in library_photos_for(srcs).values()} if srcs else set()
    article.body_photos.set(photos)


def body_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    """post_save receiver (connected in ArticlesConfig.ready): keep `body_photos` in step
    with the body on every path that saves it (form, import, restore, demo data)."""
    if raw or (update_fields is not None and "body" not in update_fields):
        return
    if created and "<img" not in (instance.body or ""):
        return  # nothing stored yet, nothing to store
    record_body_photos(instance)


def published_uses(photos):
    """{photo id: [published articles using it]} for the given photos, in one query.

    "Published" includes scheduled articles: their photos are about to go public.
    """
    photos = list(photos)
    if not photos:
        return {}
    ids = [photo.pk for photo in photos]
    names = {photo.pk: photo.image.name for photo in photos if photo.image.name}
    condition = Q(lead_photo__in=ids) | Q(
        pk__in=ArticlePhoto.objects.filter(photo__in=ids).values("article")
    )
    condition = reduce(or_, [Q(body__contains=name) for name in names.values()], condition)
    articles = (
        Article.objects.alive()
        .with_status(Status.PUBLISHED)
        .filter(condition)
        .prefetch_related("photo_uses")
        .order_by("-published_at", "-id")
    )
    uses = {}
    for article in articles:
        attached = {use.photo_id for use in article.photo_uses.all()}
        for photo_id in ids:
            name = names.get(photo_id)
            if (
                article.lead_photo_id == photo_id
                or photo_id in attached
                or (name and name in article.body)
            ):
                uses.setdefault(photo_id, []).append(article)
    return uses


def deletion_refusal(photo, user=None):
    """None if `photo` may be deleted, else a Vietnamese reason naming the articles
    (those `user` may know of; None: nobody's, only counted).

    Nobody deletes a photo a published article uses: the article would go on
    showing a broken image. Unused photos follow the ordinary delete permission.
    """
    articles = published_uses([photo]).get(photo.pk)
    if not articles:
        return None
    return refusal_message(photo, articles, user)


def refusal_message(photo, articles, user=None):
    return (
        f"Không thể xóa {describe_photo(photo)}: ảnh đang được dùng trong bài đã xuất bản "
        f"{name_articles(articles, user)}. Hãy bỏ ảnh khỏi các bài này trước."
    )


def describe_photo(photo, places=()):
    """ "Ảnh #12 (ảnh đại diện; tệp “hoi-nghi.jpg”)": how messages name a photo."""
    details = list(places)
    if photo.original_filename:
        details.append(f"tệp “{photo.original_filename}”")
    return f"Ảnh #{photo.pk}" + (f" ({'; '.join(details)})" if details else "")


# -- photos in an article body --


@dataclass
class _Figure:
    start: int
    srcs: list = field(default_factory=list)
    caption_end: int | None = None
    end: int | None = None
    caption_text: list = field(default_factory=list)
    credit_text: list = field(default_factory=list)
    has_credit: bool = False


class _BodyScanner(HTMLParser):
    """Splits HTML into its raw pieces and notes every <img> and every <figure>: its
    images, caption text, credit span and where its </figcaption> and </figure> are."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces = []
        self.figures = []
        self.loose_srcs = []  # images outside any figure
        self._open = []  # figures being read, innermost last
        self._in_caption = 0
        self._credit_depth = 0

    def handle_starttag(self, tag, attrs):
        self.pieces.append(self.get_starttag_text())
        attributes = dict(attrs)
        figure = self._open[-1] if self._open else None
        if tag == "figure":
            self._open.append(_Figure(start=len(self.pieces) - 1))
        elif tag == "img" and attributes.get("src"):
            (figure.srcs if figure else self.loose_srcs).append(attributes["src"])
        elif tag == "figcaption" and figure:
            self._in_caption += 1
        elif tag == "span" and figure:
            if self._credit_depth:
                self._credit_depth += 1
            elif "photo-credit" in (attributes.get("class") or "").split():
                figure.has_credit = True
                self._credit_depth = 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in {"figure", "figcaption", "span"}:
            self.handle_endtag(tag, record=False)

    def handle_endtag(self, tag, record=True):
        figure = self._open[-1] if self._open else None
        if record:
            self.pieces.append(f"</{tag}>")
        if tag == "figure" and figure:
            figure.end = len(self.pieces) - 1
            self.figures.append(self._open.pop())
            self._in_caption = self._credit_depth = 0
        elif tag == "figcaption" and figure and self._in_caption:
            self._in_caption -= 1
            figure.caption_end = len(self.pieces) - 1
        elif tag == "span" and self._credit_depth:
            self._credit_depth -= 1

    def handle_data(self, data):
        self.pieces.append(data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        figure = self._open[-1] if self._open else None
        if figure and self._credit_depth:
            figure.credit_text.append(data)
        elif figure and self._in_caption:
            figure.caption_text.append(data)

    def handle_comment(self, data):
        pass  # sanitize_html drops comments anyway

    def all_srcs(self):
        return [src for figure in self.figures for src in figure.srcs] + self.loose_srcs

    def close(self):
        super().close()
        # An unclosed figure still counts for checks; it gets no insertion point.
        self.figures.extend(self._open)
        self._open = []


def _scan(html):
    scanner = _BodyScanner()
    scanner.feed(html or "")
    scanner.close()
    return scanner


def _name_candidates(src):
    """Stored names an image address could point at: every tail of its path.

    "/media/photos/ab/x.jpg" or "https://cdn.example/media/photos/ab/x.jpg?v=2" give
    "photos/ab/x.jpg" among others, whatever MEDIA_URL or storage domain is used.
    """
    try:
        path = unquote(urlsplit(src.strip()).path)
    except ValueError:
        return []
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[index:]) for index in range(len(parts))]


def library_photos_for(srcs):
    """{src: Photo} for the image addresses that show a library photo or a rendition
    of one (two queries whatever the number of images)."""
    candidates = {src: _name_candidates(src) for src in set(srcs)}
    names = {name for names in candidates.values() for name in names}
    if not names:
        return {}
    by_name = {photo.image.name: photo for photo in Photo.objects.filter(image__in=names)}
    renditions = Rendition.objects.filter(file__in=names).select_related("photo")
    by_name.update({rendition.file.name: rendition.photo for rendition in renditions})
    found = {}
    for src, names in candidates.items():
        photo = next((by_name[name] for name in names if name in by_name), None)
        if photo is not None:
            found[src] = photo
    return found


def add_library_credits(html: str) -> str:
    """Give each body `<figure>` showing a library photo the photo's credit.

    A figure that has no `<span class="photo-credit">` gets one with the library's
    credit, at the end of its `<figcaption>` (a new figcaption if it has none),
    unless the caption already names that credit. Figures of photos without a
    credit, or of images not in the library, are left alone. Returns sanitised HTML.
    """
    if not html or "<figure" not in html:
        return sanitize_html(html or "")
    scan = _scan(html)
    photos = library_photos_for(src for figure in scan.figures for src in figure.srcs)
    before = {}
    for figure in scan.figures:
        if figure.has_credit or figure.end is None:
            continue
        photo = next((photos[src] for src in figure.srcs if src in photos), None)
        credit = photo.credit.strip() if photo else ""
        if not credit or fold(credit) in fold(" ".join(figure.caption_text)):
            continue
        span = format_html('<span class="photo-credit">{}</span>', credit)
        if figure.caption_end is not None:
            before[figure.caption_end] = f" {span}"
        else:
            before[figure.end] = f"<figcaption>{span}</figcaption>"
    if not before:
        return sanitize_html(html)
    pieces = [before.get(index, "") + piece for index, piece in enumerate(scan.pieces)]
    return sanitize_html("".join(pieces))


# -- the publish check --


@dataclass
class PhotoProblem:
    """A photo that cannot be printed as it stands: where the article uses it and what
    it lacks ("chú thích", "tác giả ảnh")."""

    photo: Photo
    places: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    def __str__(self):
        missing = sorted(self.missing, key=_ORDER.index)
        return f"{describe_photo(self.photo, self.places)}: thiếu {' và '.join(missing)}"


def photos_missing_caption_or_credit(article) -> list[str]:
    """What keeps `article`'s photos from being printed: one Vietnamese line per photo
    lacking a caption or a credit, e.g. "Ảnh #12 (ảnh đại diện; tệp “a.jpg”): thiếu
    tác giả ảnh". Empty when every photo is ready. See `photo_problems`."""
    return [str(problem) for problem in photo_problems(article)]


def photo_problems(article) -> list[PhotoProblem]:
    """The photos of `article` lacking a caption or a credit, one entry per photo.

    Checked: the lead photo (the library caption); attached photos (the per-use
    caption if set, else the library's); library photos shown in the body (the
    figure's caption text if any, else the library's; the figure's credit span if
    any, else the library's). Images that are not in the library are not checked.
    """
    entries = []  # (photo, place, caption, credit)
    if article.lead_photo_id:
        photo = article.lead_photo
        entries.append((photo, "ảnh đại diện", photo.caption, photo.credit))
    if article.pk:
        for use in article.photo_uses.select_related("photo"):
            entries.append((use.photo, "ảnh trong bài", use.display_caption, use.photo.credit))
    scan = _scan(article.body)
    figure_srcs = [(src, figure) for figure in scan.figures for src in figure.srcs]
    photos = library_photos_for([src for src, _figure in figure_srcs] + scan.loose_srcs)
    for src, figure in figure_srcs:
        if src in photos:
            photo = photos[src]
            caption = " ".join(figure.caption_text).strip() or photo.caption
            credit = " ".join(figure.credit_text).strip() or photo.credit
            entries.append((photo, "ảnh trong nội dung", caption, credit))
    for src in scan.loose_srcs:
        if src in photos:
            photo = photos[src]
            entries.append((photo, "ảnh trong nội dung", photo.caption, photo.credit))

    problems = {}  # photo id -> PhotoProblem
    for photo, place, caption, credit in entries:
        missing = []
        if not (caption or "").strip():
            missing.append("chú thích")
        if not (credit or "").strip():
            missing.append("tác giả ảnh")
        if not missing:
            continue
        problem = problems.setdefault(photo.pk, PhotoProblem(photo))
        for values, new in ((problem.places, [place]), (problem.missing, missing)):
            values.extend(value for value in new if value not in values)
    return list(problems.values())


_ORDER = ["chú thích", "tác giả ảnh"]
