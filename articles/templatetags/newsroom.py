from django import template

from articles import richtext, text

register = template.Library()


@register.filter
def article_time(moment):
    """18:35 | 18/06/2020"""
    return text.article_datetime(moment) if moment else ""


@register.simple_tag(takes_context=True)
def newsroom_queues(context):
    """The admin home's work queues with counts, for the logged-in user."""
    from articles.editing import queue_counts

    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return []
    return queue_counts(user)


@register.filter
def thousands(number):
    """1234 -> "1.234" (the Vietnamese thousands separator)."""
    return text.thousands(number) if isinstance(number, int) else ""


@register.filter(is_safe=True)
def alignment_classes(html):
    """A sanitised body's alignment styles as classes, for pages whose policy allows
    no inline style (articles.richtext.alignment_classes)."""
    return richtext.alignment_classes(str(html))
