"""What a page offers to read next: related articles, the event thread, the section's
latest, the most-read lists.

Every list comes from `Article.objects.published()`. An article page gets all its
lists in a fixed number of queries whatever the data size: the ids of every list in
ONE union of small indexed queries (`latest_ids_by_slot`), the most-read ids from the
cache, then one query for every teaser on the page.
"""

from dataclasses import dataclass, field

from articles import readership
from articles.models import Article

RELATED_COUNT = 6
THREAD_COUNT = 5
SECTION_COUNT = 5


@dataclass
class ArticleBoxes:
    """The article page's lists, as ready-to-show articles (teasers)."""

    related: list = field(default_factory=list)
    thread_latest: list = field(default_factory=list)
    section_latest: list = field(default_factory=list)
    most_read: dict = field(default_factory=dict)


def section_of(article):
    """The section whose latest articles the sidebar lists: the top-level one (a
    sub-section's page lists too few), with its sub-sections."""
    category = article.category
    return category.parent if category.parent_id else category


def related_slots(article, tag_ids):
    """The sliced querysets the article page's lists are built from (one union query).

    Related ("Tin liên quan"): the editors' picks in their order, then articles sharing
    the most tags (newest first among equals), then the section's newest. Each slot
    takes enough rows to fill its box after the boxes above it are taken out.
    """
    published = Article.objects.published().exclude(pk=article.pk)
    fill = RELATED_COUNT + THREAD_COUNT
    slots = {
        "picked": published.picked_for(article)[:RELATED_COUNT],
        "same_category": published.filter(category_id=article.category_id).latest_first()[:fill],
        "section": published.in_category(section_of(article)).latest_first()[
            : fill + SECTION_COUNT
        ],
    }
    if tag_ids:
        slots["shared_tags"] = published.sharing_tags(tag_ids)[:fill]
    if article.thread_id:
        slots["thread"] = published.in_thread(article.thread).latest_first()[:THREAD_COUNT]
    return slots


def _take(candidates, count, taken):
    """The first `count` of `candidates` not in `taken` (which grows with them)."""
    chosen = []
    for pk in candidates:
        if len(chosen) == count:
            break
        if pk not in taken:
            chosen.append(pk)
            taken.add(pk)
    return chosen


def article_boxes(article):
    """Related, thread, section-latest and most-read teasers for a published article.

    An article appears in one box only: the thread box first (it names the story the
    reader follows), then related, then the section's latest. Editors' picks are never
    displaced by the thread box.
    """
    tag_ids = [entry.tag_id for entry in article.tag_entries.all()]
    ids = Article.objects.latest_ids_by_slot(related_slots(article, tag_ids))
    thread_ids = ids.get("thread", [])
    taken = {article.pk}
    picked = _take(ids["picked"], RELATED_COUNT, taken)
    taken |= set(thread_ids)
    automatic = [*ids.get("shared_tags", []), *ids["same_category"]]
    related_ids = picked + _take(automatic, RELATED_COUNT - len(picked), taken)
    section_ids = _take(ids["section"], SECTION_COUNT, taken)
    most_read = readership.most_read_ids()
    cards = teasers([*thread_ids, *related_ids, *section_ids, *most_read_wanted(most_read)])
    return ArticleBoxes(
        related=_cards(cards, related_ids),
        thread_latest=_cards(cards, thread_ids),
        section_latest=_cards(cards, section_ids),
        most_read=most_read_cards(most_read, cards),
    )


def teasers(ids):
    """{id: article} for compact lists, published ones only, in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    return Article.objects.published().for_teasers().in_bulk(wanted)


def _cards(cards, ids):
    return [cards[pk] for pk in ids if pk in cards]


def most_read_wanted(most_read):
    """Every id the most-read lists may show (to load with a page's other cards)."""
    return [pk for ids in most_read.values() for pk in ids]


def most_read_cards(most_read, cards):
    """{"day": [articles], "week": [articles]}: the first MOST_READ_SHOWN still published
    of each list (`cards` must come from `published()`)."""
    return {
        name: _cards(cards, ids)[: readership.MOST_READ_SHOWN] for name, ids in most_read.items()
    }


def most_read_box():
    """The most-read lists for a page that loads no other teasers (one query)."""
    most_read = readership.most_read_ids()
    return most_read_cards(most_read, teasers(most_read_wanted(most_read)))
