from django.apps import AppConfig
from django.db.models.signals import post_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tòa soạn"

    def ready(self):
        # Derived data only: which library photos each body shows (see photo_library).
        from articles import photo_library
        from articles.models import Article

        post_save.connect(
            photo_library.body_saved, sender=Article, dispatch_uid="articles.body_photos"
        )
