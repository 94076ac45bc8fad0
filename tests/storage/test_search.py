"""Full-text search over the stubs, on SQLite (FTS5) and PostgreSQL (tsvector): words, phrases,
-words, prefixes, hostile input, Japanese, and the article's text; kept current by the saves."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aggregator.storage import search
from aggregator.storage.articles import ArticleQueue
from aggregator.storage.store import Store
from aggregator.storage.stubs import StubQueue
from aggregator.stub_records import PREPARED, Part
from tests.helpers.search import HOSTILE, found, stories
from tests.helpers.storage import LEASE, NOW, article, result

__all__ = ["stories"]


def test_words_phrases_and_minus(store: Store, stories: dict[str, int]) -> None:
    assert found(store, "flood port") == {
        stories["port"],
        stories["vote"],
    }  # floods too
    assert found(store, "flood defences") == {stories["vote"]}  # every word
    assert found(store, "port") == {stories["port"], stories["vote"]}
    assert found(store, "PORT -council") == {stories["port"]}
    assert found(store, '"river port"') == {stories["port"]}
    assert found(store, '"port river"') == set()
    assert found(store, '-"flood defences"') == {
        stories["port"],
        stories["tokyo"],
        stories["cafe"],
    }
    assert found(store, "flood*") == found(store, "flood") == {stories["port"], stories["vote"]}
    assert found(store, '"flood"') == {stories["vote"]}  # quoted: the word itself
    assert found(store, "-floods") == {
        stories["vote"],
        stories["tokyo"],
        stories["cafe"],
    }
    assert found(store, "ro") == set()  # two letters: only the word "ro"
    assert found(store, "ro*") == {stories["port"], stories["cafe"]}  # rose, river
    assert found(store, "cafe") == found(store, "CAFÉ") == {stories["cafe"]}


def test_the_article_text_is_found_and_the_title_ranks_first(
    store: Store, stories: dict[str, int]
) -> None:
    assert found(store, "overnight") == {stories["port"]}
    assert found(store, "coffee sharply") == {stories["cafe"]}
    with store.engine.connect() as conn:
        ranked = conn.execute(search.match("port").order_by(sa.text("rank DESC"))).all()
    assert [r.item_id for r in ranked] == [
        stories["port"],
        stories["vote"],
    ]  # title, then text


def test_japanese_is_found_by_its_words(store: Store, stories: dict[str, int]) -> None:
    assert found(store, "東京") == {stories["tokyo"]}
    assert found(store, "大雨") == {stories["tokyo"]}
    assert found(store, "電車") == {stories["tokyo"]}
    assert found(store, "記録的") == {stories["tokyo"]}
    assert found(store, "京東") == set()  # the characters in order, not any of them
    assert found(store, "大阪") == set()


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_is_words_or_nothing_never_an_error(
    store: Store, stories: dict[str, int], query: str
) -> None:
    found(store, query)
    with store.engine.connect() as conn:
        conn.execute(search.match(query).order_by(sa.text("rank DESC"))).all()


def test_stray_syntax_is_read_as_words(store: Store, stories: dict[str, int]) -> None:
    assert found(store, "NEAR(port") == set()  # "near" is a word no story has
    assert found(store, "port)") == {stories["port"], stories["vote"]}
    assert found(store, '"river port') == {stories["port"]}  # an unclosed phrase ends there
    assert found(store, "title:port") == set()  # "title" is a word, not a column
    assert found(store, "?!") == set()  # no words: nothing


def test_drafts_article_saves_and_deletions_keep_the_index_current(
    store: Store, stories: dict[str, int]
) -> None:
    queue = StubQueue(store)
    queue.redo([stories["vote"]], NOW, stale_only=False)
    (job,) = queue.claim_due(NOW, 10, LEASE)
    summary = Part("summary", PREPARED, "Harbour dredging starts in March.")
    queue.save(job, result((Part("title", PREPARED, "Council votes"), summary)), NOW)
    assert found(store, "dredging") == {stories["vote"]}
    assert found(store, "defences") == {stories["vote"]}  # the article's title stays
    ArticleQueue(store).save(stories["cafe"], article("Tea instead.", "Café", "h2"), None, NOW)
    assert found(store, "tea") == {stories["cafe"]}
    assert found(store, "coffee") == set()
    with store.writing() as conn:
        conn.exec_driver_sql(f"DELETE FROM stubs WHERE item_id = {stories['port']}")
        left = conn.execute(sa.select(search.match("overnight").subquery())).all()
    assert left == []


def test_the_parser(store: Store) -> None:
    query = search.parse('flood "River Port" -council -"city hall" dr* 東京 e-mail at')
    assert [(t.words, t.negated, t.prefix) for t in query.terms] == [
        (("flood",), False, True),
        (("river", "port"), False, False),
        (("council",), True, False),
        (("city", "hall"), True, False),
        (("dr",), False, True),
        (("東", "京"), False, False),
        (("e", "mail"), False, True),
        (("at",), False, False),
    ]
    assert search.fts5_expression(query) == (
        '("flood"* AND "river port" AND "dr"* AND "東 京" AND "e mail"* AND "at")'
        ' NOT "council" NOT "city hall"'
    )
    assert search.websearch_text(query) == ('"river port" -"council" -"city hall" "東 京" "at"')
    assert search.prefix_tsquery(query) == "('flood':*) & ('dr':*) & ('e' <-> 'mail':*)"


def test_the_migration_indexes_the_stubs_already_there(
    store: Store, stories: dict[str, int]
) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from aggregator.storage.engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    before = ScriptDirectory.from_config(config).get_revision("0010").down_revision
    with store.writing() as conn:  # back to before 0010, through the later revisions' downgrades
        config.attributes["connection"] = conn
        command.downgrade(config, before)
    url = store.engine.url.render_as_string(hide_password=False)
    store.engine.dispose()
    again = Store.open(url)
    try:
        assert found(again, "overnight") == {stories["port"]}
        assert found(again, "東京") == {stories["tokyo"]}
    finally:
        again.close()
