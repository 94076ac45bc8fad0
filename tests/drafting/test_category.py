from __future__ import annotations

from aggregator.drafting.category import choose_category
from aggregator.drafting.settings import CategoryRule

RULES = (
    CategoryRule("Digital and AI", item_categories=("Technology",), keywords=("AI", "internet")),
    CategoryRule("Politics", item_categories=("Politics", "Elections"), keywords=("election",)),
    CategoryRule("Human Rights", feed_tags=("rights",), keywords=("detained",)),
)


def choose(**kw: object) -> tuple[str, str]:
    values: dict[str, object] = {"item_categories": (), "feed_tags": (), "title": "", "text": ""}
    values.update(kw)
    choice = choose_category(RULES, "World", **values)  # type: ignore[arg-type]
    return choice.name, choice.reason


def test_the_item_category_outweighs_keywords_in_the_text() -> None:
    name, reason = choose(item_categories=("politics",), text="The internet and AI")
    assert name == "Politics"
    assert reason == "item category 'Politics'"


def test_title_keywords_outweigh_a_feed_tag() -> None:
    assert choose(feed_tags=("Rights",), title="An election in May")[0] == "Politics"
    # A keyword only in the text weighs what a feed tag does: the rule written first wins.
    assert choose(feed_tags=("Rights",), text="An election in May")[0] == "Politics"
    assert choose(feed_tags=("Rights",), text="Two were detained")[0] == "Human Rights"


def test_keywords_match_whole_words_and_capitals_only_when_written_so() -> None:
    assert choose(text="She said it was fair.")[0] == "World"  # "ai" inside "said"
    assert choose(text="Ai Weiwei spoke.")[0] == "World"  # "AI" only in capitals
    assert choose(text="AI models spread.")[0] == "Digital and AI"
    assert choose(text="The Internet is down.")[0] == "Digital and AI"


def test_ties_go_to_the_rule_written_first_and_no_evidence_to_the_default() -> None:
    assert choose(text="internet election")[0] == "Digital and AI"
    name, reason = choose(title="Weather")
    assert name == "World"
    assert "default" in reason
