from django.urls import path, re_path

from articles import editor, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("quan-tri/tai-anh/", editor.editor_upload, name="editor_upload"),
    path("quan-tri/thu-vien-anh/", editor.editor_browse, name="editor_browse"),
    path("tac-gia/<slug:slug>/", views.author_detail, name="author"),
    path("cai-chinh/", views.corrections, name="corrections"),
    path("tim-kiem/", views.search, name="search"),
    path("xem-truoc/<str:token>/", views.shared_preview, name="shared_preview"),
    # /<slug>-<id>.html; the slug part is free text so an old or mangled one redirects.
    re_path(r"^(?P<slug>[^/]*?)-(?P<pk>[0-9]{1,18})\.html$", views.article_detail, name="detail"),
    path("<slug:slug>/", views.category_detail, name="category"),
]
