from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import sitemaps
from articles.admin.view_on_site import view_on_site
from articles.views import favicon

admin.site.site_header = "Tòa soạn — Quản trị nội dung"
admin.site.site_title = "Tòa soạn"
admin.site.index_title = "Bàn làm việc"

urlpatterns = [
    path("favicon.ico", favicon),
    # Ahead of the admin's own unguarded shortcut at the same address.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site),
    # For crawlers (articles/sitemaps.py).
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.BENCHMARK_CEILING:  # scripts/benchmark.py only, never in production
    from newsroom.benchmark_views import ceiling

    urlpatterns.insert(0, path("__bench/ceiling/", ceiling))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "articles.errors.page_not_found"
handler500 = "articles.errors.server_error"
