"""Tags (từ khóa): many per article, one row per name however it was typed."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField
from articles.text import clean_name, fold, name_key, vietnamese_slugify

TAG_MAX_LENGTH = 100


class TagQuerySet(models.QuerySet):
    def matching(self, names):
        """The tags these names denote (by `name_key`), whatever their case or spelling
        of invisible characters and tone placement."""
        return self.filter(key__in={name_key(name) for name in names})

    def suggest(self, text, limit=10):
        """Tags for an autocomplete: accent-insensitive, names starting with the text
        first ("ha noi" offers "Hà Nội", so no accent-less twin gets created)."""
        folded = fold(clean_name(text))
        if not folded:
            return []
        found = list(self.filter(folded__contains=folded).order_by("name")[: limit * 5])
        found.sort(key=lambda tag: (not tag.folded.startswith(folded), len(tag.name)))
        return found[:limit]


class Tag(models.Model):
    """A keyword readers can follow (/tu-khoa/<slug>/).

    `key` (text.name_key) is what makes two spellings one tag: "Hà Nội", "hà nội",
    "Hà\u200bNội" and NFD "Hà Nội" share it; "Ha Noi" and "Hả Nội" do not. The name
    keeps the spelling it was first written with (editors may correct it).
    """

    name = LineField(_("từ khóa"), max_length=TAG_MAX_LENGTH)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True, editable=False)
    key = models.CharField(_("khóa so sánh"), max_length=255, unique=True, editable=False)
    folded = models.CharField(_("dạng không dấu"), max_length=255, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("từ khóa")
        verbose_name_plural = _("từ khóa")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_name(self.name)
        self.key = name_key(self.name)
        self.folded = fold(self.name)
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})

    def _unique_slug(self):
        # "Hà Nội" and "Ha Noi" are two tags with one ASCII spelling: number the second.
        base = vietnamese_slugify(self.name, max_length=100) or "tu-khoa"
        slug, n = base, 2
        while Tag.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class ArticleTag(models.Model):
    """A tag on an article, in the order the editor typed them."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="tag_entries",
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("từ khóa"), on_delete=models.CASCADE, related_name="article_entries"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("từ khóa của bài")
        verbose_name_plural = _("từ khóa của bài")
        ordering = ["position", "id"]
        constraints = [
            # Tag first: the index serves a tag's page (its articles) and the related
            # box's "newest articles carrying this tag" (tag, article id descending).
            models.UniqueConstraint(fields=["tag", "article"], name="unique_tag_per_article")
        ]

    def __str__(self):
        return str(self.tag)
