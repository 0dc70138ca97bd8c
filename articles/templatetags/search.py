from django import template

from articles import search

register = template.Library()


@register.simple_tag
def highlight(text, query, words=None):
    """`text` escaped, with the words of the search `query` in <mark> (see
    articles.search.highlight); `words` shortens it first."""
    return search.highlight(text, query, limit_words=words)
