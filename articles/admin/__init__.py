"""The newsroom's admin, in Vietnamese; one module per concern."""

from articles.admin import accounts, article, content, topics  # noqa: F401  (registers the model admins)
