from django import template

from articles import text

register = template.Library()


@register.filter
def article_time(moment):
    """18:35 | 18/06/2020"""
    return text.article_datetime(moment) if moment else ""
