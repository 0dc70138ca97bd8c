from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tòa soạn"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from articles import models, pagecache, services

        # Whatever readers see changed: cached public pages are out of date. The
        # editorial operations announce themselves; reference content edited through
        # the plain admin is caught by its model signals.
        services.article_changed.connect(pagecache.bump_after_commit)
        # Redis is back after an outage: bumps made meanwhile never reached it.
        from newsroom.cache import cache_recovered

        cache_recovered.connect(pagecache.bump_after_outage, dispatch_uid="pagecache.recovered")
        for model in (
            models.Article,
            models.Byline,
            models.ArticlePhoto,
            models.Category,
            models.Author,
            models.Photo,
            models.Correction,
            models.SiteSettings,
            models.Tag,
            models.ArticleTag,
            models.EventThread,
            models.RelatedArticle,
        ):
            post_save.connect(pagecache.bump_after_commit, sender=model)
            post_delete.connect(pagecache.bump_after_commit, sender=model)
        m2m_changed.connect(pagecache.bump_after_commit, sender=models.Article.bylines.through)

        # Derived data only: which library photos each body shows (see photo_library).
        from articles import photo_library

        post_save.connect(
            photo_library.body_saved, sender=models.Article, dispatch_uid="articles.body_photos"
        )
        m2m_changed.connect(pagecache.bump_after_commit, sender=models.Article.tags.through)
        # View counts (ArticleViewCount, ArticleViewTotal) are left out on purpose: they
        # change every minute, and a cached page's figures may be as old as the page.

        # A staff session counts as active from its login (newsroom.login_throttle).
        from django.contrib.auth.signals import user_logged_in

        from newsroom import login_throttle

        user_logged_in.connect(
            login_throttle.session_started, dispatch_uid="newsroom.session_started"
        )
