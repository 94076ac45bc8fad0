"""Which category a stub gets, from the `[[categories]]` rules: pure, with the reason kept.

Evidence weighs differently: the item's own category is what its newsroom said (3 points per
match), a keyword in the title says what the story is about (2), a keyword only in the text (1,
counted once per keyword), and a feed tag only says where it came from (1). The rule with the
most points wins; ties go to the rule written first; no evidence gives the default category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from aggregator.drafting.settings import CategoryRule

ITEM_CATEGORY = 3
TITLE_KEYWORD = 2
TEXT_KEYWORD = 1
FEED_TAG = 1


@dataclass(frozen=True, slots=True)
class CategoryChoice:
    name: str
    reason: str


@lru_cache(maxsize=1024)
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Whole words; a keyword written in capitals ("AI") matches only in capitals, so that it
    does not match a name or an ordinary word that differs only in case."""
    flags = 0 if keyword.isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", flags)


def choose_category(
    rules: Sequence[CategoryRule],
    default: str,
    *,
    item_categories: Sequence[str],
    feed_tags: Sequence[str],
    title: str,
    text: str,
) -> CategoryChoice:
    item_names = {c.casefold() for c in item_categories}
    tag_names = {t.casefold() for t in feed_tags}
    best: tuple[int, CategoryRule, list[str]] | None = None
    for rule in rules:
        score, evidence = 0, []
        for name in rule.item_categories:
            if name.casefold() in item_names:
                score += ITEM_CATEGORY
                evidence.append(f"item category {name!r}")
        for keyword in rule.keywords:
            pattern = _keyword_pattern(keyword)
            if pattern.search(title):
                score += TITLE_KEYWORD
                evidence.append(f"keyword {keyword!r} in the title")
            elif pattern.search(text):
                score += TEXT_KEYWORD
                evidence.append(f"keyword {keyword!r} in the text")
        for tag in rule.feed_tags:
            if tag.casefold() in tag_names:
                score += FEED_TAG
                evidence.append(f"feed tag {tag!r}")
        if score and (best is None or score > best[0]):
            best = (score, rule, evidence)
    if best is None:
        return CategoryChoice(default, "no category rule matched; the default category")
    return CategoryChoice(best[1].name, "; ".join(best[2]))
