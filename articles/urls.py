from django.urls import path, re_path

from articles import editor, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("quan-tri/tai-anh/", editor.editor_upload, name="editor_upload"),
    path("quan-tri/thu-vien-anh/", editor.editor_browse, name="editor_browse"),
    path("quan-tri/thong-tin-anh/", editor.editor_photo_lookup, name="editor_photo_lookup"),
    path("quan-tri/thong-tin-anh/<int:pk>/", editor.editor_photo, name="editor_photo"),
    path("tac-gia/<slug:slug>/", views.author_detail, name="author"),
    path("cai-chinh/", views.corrections, name="corrections"),
    path("tim-kiem/", views.search, name="search"),
    path("tu-khoa/<slug:slug>/", views.tag_detail, name="tag"),
    path("dong-su-kien/<slug:slug>/", views.thread_detail, name="thread"),
    re_path(r"^api/luot-xem/(?P<pk>[0-9]{1,18})/$", views.record_view, name="record_view"),
    path("xem-truoc/<str:token>/", views.shared_preview, name="shared_preview"),
    # RSS (articles/feeds.py); "rss" and "tin-moi-nhat" are reserved category slugs.
    path("rss/", feeds.rss_list, name="rss"),
    path("rss/tin-moi-nhat.rss", feeds.latest_feed, name="rss_latest"),
    path("rss/<slug:slug>.rss", feeds.category_feed, name="rss_category"),
    # /<slug>-<id>.html; the slug part is free text so an old or mangled one redirects.
    re_path(r"^(?P<slug>[^/]*?)-(?P<pk>[0-9]{1,18})\.html$", views.article_detail, name="detail"),
    path("<slug:slug>/", views.category_detail, name="category"),
]
