"""The score of two term vectors: an idf-weighted cosine of whole vectors."""

from __future__ import annotations

import pytest

from aggregator.text.links import LINK_PREFIX
from aggregator.text.similarity import LINKED_SCORE, enough, idf, match


def test_match_is_the_idf_weighted_cosine_of_whole_vectors() -> None:
    query = {"a": 0.8, "b": 0.6}
    other = {"a": 0.6, "c": 0.8}
    frequency = {"a": 2, "b": 1, "c": 1}
    weights = {t: idf(n, 10) for t, n in frequency.items()}

    found = match(7, query, other, frequency, 10)

    dot = 0.8 * 0.6 * weights["a"] ** 2
    norms = ((0.8 * weights["a"]) ** 2 + (0.6 * weights["b"]) ** 2) ** 0.5 * (
        (0.6 * weights["a"]) ** 2 + (0.8 * weights["c"]) ** 2
    ) ** 0.5
    assert found.score == pytest.approx(dot / norms, abs=1e-4)
    assert found.shared == ("a",)
    assert not found.same_story
    assert match(7, query, query, frequency, 10).score == 1.0


def test_a_rare_shared_link_is_enough_a_common_one_is_not() -> None:
    query = {"a": 1.0, LINK_PREFIX + "e.org/x": 1.0}
    other = {"b": 1.0, LINK_PREFIX + "e.org/x": 1.0}
    rare = match(1, query, other, {"a": 1, "b": 1, LINK_PREFIX + "e.org/x": 2}, 50)
    assert rare.score == LINKED_SCORE
    assert enough(rare)
    common = match(1, query, other, {"a": 1, "b": 1, LINK_PREFIX + "e.org/x": 40}, 50)
    assert common.score == 0.0
    assert not enough(common)
