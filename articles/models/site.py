from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField


class SiteSettings(models.Model):
    """The masthead: one row, edited in the admin, shown on every page."""

    CACHE_KEY = "site-settings"

    site_name = LineField(_("tên báo"), max_length=200, default="Báo Công Thương")
    hotline = LineField(_("đường dây nóng"), max_length=50, blank=True)
    contact_email = models.EmailField(_("email liên hệ"), blank=True)
    address = NFCTextField(_("địa chỉ tòa soạn"), blank=True)
    owner_agency = LineField(_("cơ quan chủ quản"), max_length=200, blank=True)
    editor_in_chief = LineField(_("tổng biên tập"), max_length=100, blank=True)
    licence_number = LineField(_("số giấy phép"), max_length=100, blank=True)
    licence_date = models.DateField(_("ngày cấp giấy phép"), null=True, blank=True)
    licence_issuer = LineField(_("cơ quan cấp phép"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("thông tin tòa soạn")
        verbose_name_plural = _("thông tin tòa soạn")

    def __str__(self):
        return str(_("Thông tin tòa soạn"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def load(cls):
        """The single row, from the cache when possible (every page needs it)."""
        site = cache.get(cls.CACHE_KEY)
        if site is None:
            site, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, site, 300)
        return site
