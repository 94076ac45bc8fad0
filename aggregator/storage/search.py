"""Full-text search over the stubs: their titles, their parts and their article's text.

One interface for both databases. `index(conn, item_id)` writes an item's search document in
the caller's transaction (the save paths of articles, drafts and edits call it); `match(query)`
is a select of `item_id` and `rank` (higher is better) for what an editor typed, which the desk
uses as a filter and, for "relevance", as the order.

SQLite keeps the documents in an FTS5 table (`stub_search`, rowid = item id), PostgreSQL in a
table of `tsvector`s with a GIN index, searched with `websearch_to_tsquery` in the 'simple'
configuration (no stemming: it works the same for every language). Both are given text that is
already split into words here, lowercased, NFKC-normalised and without accents, so that both
find the same things: each Chinese character and kana is a word of its own, and a CJK word an
editor types is searched as the phrase of its characters ("東京" finds "東京で大雨").

What an editor types is parsed here, never passed on: words, all of which must appear, each
finding the words it begins ("flood" finds "floods" and "flooding"; words of one or two
letters only themselves, and word* makes any word a prefix); "an exact phrase", word for word;
-word and -"a phrase", which must not appear (exactly). Everything else is punctuation between
words, so a stray quote or `NEAR(` is a word or nothing, never an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.sqltypes import NullType

from aggregator.database_kind import is_postgresql
from aggregator.storage.tables import articles, items, stubs
from aggregator.stub_records import Part
from aggregator.text.cjk import CJK_CHAR

MIN_PREFIX_CHARS = 3
"""A shorter word finds only itself, unless it ends with `*`."""
MAX_TERMS = 32
"""Terms of a query beyond this are dropped (a pasted paragraph is not a search)."""
TITLE_WEIGHT, PARTS_WEIGHT, ARTICLE_WEIGHT = 10.0, 4.0, 1.0

_WORD = re.compile(r"[^\W_]+")
_QUERY = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_ACCENTS = re.compile("[\u0300-\u036f]")
_table = sa.table("stub_search")


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]
    """Normalised words, in order: one word, or a phrase."""
    negated: bool = False
    prefix: bool = False
    """The last word is a prefix (`word*`)."""


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)


def words(text: str) -> list[str]:
    """`text` as the words both databases index: lowercased, accents off, CJK one a word."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    folded = unicodedata.normalize("NFC", _ACCENTS.sub("", folded))
    found: list[str] = []
    for match in _WORD.finditer(folded):
        word = match.group()
        if CJK_CHAR.search(word):
            found.extend(_split_cjk(word))
        else:
            found.append(word)
    return found


def _split_cjk(word: str) -> list[str]:
    """A word with CJK characters: each of them alone, the runs of other letters kept."""
    out: list[str] = []
    run = ""
    for char in word:
        if CJK_CHAR.match(char):
            if run:
                out.append(run)
                run = ""
            out.append(char)
        else:
            run += char
    if run:
        out.append(run)
    return out


def parse(text: str) -> Query:
    """What an editor typed as terms; punctuation and unknown syntax are only separators."""
    terms: list[Term] = []
    for match in _QUERY.finditer(text):
        if match.group(2) is not None:  # "a phrase", possibly unclosed
            negated, raw, quoted = bool(match.group(1)), match.group(2), True
        else:
            negated, raw, quoted = bool(match.group(3)), match.group(4), False
        found = tuple(words(raw))
        if not found:
            continue
        starred = raw.endswith("*") or len(found[-1]) >= MIN_PREFIX_CHARS
        prefix = not (quoted or negated or CJK_CHAR.match(found[-1])) and starred
        terms.append(Term(found, negated, prefix))
    return Query(tuple(dict.fromkeys(terms))[:MAX_TERMS])


def index(conn: sa.Connection, item_id: int) -> None:
    """Write the item's search document from its stub and article as they are now in this
    transaction; an item without a stub has none (its stub's save indexes it)."""
    row = conn.execute(
        sa.select(stubs.c.parts, articles.c.title, articles.c.text, items.c.title.label("item"))
        .select_from(
            stubs.join(items, items.c.id == stubs.c.item_id).outerjoin(
                articles, articles.c.item_id == stubs.c.item_id
            )
        )
        .where(stubs.c.item_id == item_id)
    ).one_or_none()
    if row is None:
        return
    parts = [Part.from_json(p) for p in row.parts or ()]
    titles = [p.content for p in parts if p.name == "title"] + [row.title or "", row.item or ""]
    title = " ".join(words(" ".join(dict.fromkeys(titles))))
    body = " ".join(words("\n".join(p.content for p in parts if p.name != "title")))
    article = " ".join(words(row.text or ""))
    if is_postgresql(conn):
        conn.execute(
            sa.text(
                "INSERT INTO stub_search (item_id, document) VALUES (:id, "
                "setweight(to_tsvector('simple', :title), 'A') || "
                "setweight(to_tsvector('simple', :body), 'B') || "
                "setweight(to_tsvector('simple', :article), 'D')) "
                "ON CONFLICT (item_id) DO UPDATE SET document = excluded.document"
            ),
            {"id": item_id, "title": title, "body": body, "article": article},
        )
    else:
        conn.execute(sa.text("DELETE FROM stub_search WHERE rowid = :id"), {"id": item_id})
        conn.execute(
            sa.text(
                "INSERT INTO stub_search (rowid, title, parts, article) "
                "VALUES (:id, :title, :body, :article)"
            ),
            {"id": item_id, "title": title, "body": body, "article": article},
        )


SQLITE_DDL = (
    "CREATE VIRTUAL TABLE stub_search USING fts5(title, parts, article, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    # A stub deleted (by the cleanup, or with its item) takes its document with it.
    "CREATE TRIGGER stub_search_gone AFTER DELETE ON stubs BEGIN "
    "DELETE FROM stub_search WHERE rowid = old.item_id; END",
)
POSTGRESQL_DDL = (
    "CREATE TABLE stub_search (item_id integer PRIMARY KEY "
    "REFERENCES stubs (item_id) ON DELETE CASCADE, document tsvector NOT NULL)",
    "CREATE INDEX ix_stub_search_document ON stub_search USING gin (document)",
)


def is_search_table(name: str | None) -> bool:
    """The search table and FTS5's own tables beside it (`stub_search_data`, ...)."""
    return name is not None and (name == "stub_search" or name.startswith("stub_search_"))


def create_tables(conn: sa.Connection) -> None:
    """The search table of the connection's database (the migration runs this)."""
    for statement in POSTGRESQL_DDL if is_postgresql(conn) else SQLITE_DDL:
        conn.exec_driver_sql(statement)


def drop_tables(conn: sa.Connection) -> None:
    if not is_postgresql(conn):
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS stub_search_gone")
    conn.exec_driver_sql("DROP TABLE IF EXISTS stub_search")


def index_all(conn: sa.Connection, batch: int = 500) -> int:
    """Index every stub (the migration's backfill); returns how many."""
    ids = list(conn.execute(sa.select(stubs.c.item_id).order_by(stubs.c.item_id)).scalars())
    for start in range(0, len(ids), batch):
        for item_id in ids[start : start + batch]:
            index(conn, item_id)
    return len(ids)


def match(text: str) -> sa.Select[int, float]:
    """A select of (`item_id`, `rank`) for the stubs that match what an editor typed. A query
    with no words matches nothing; one of only -terms matches every stub without them."""
    query = parse(text)
    if not query.positive:
        return sa.select(stubs.c.item_id, sa.literal(0.0).label("rank")).where(_without(query))
    return (
        sa.select(_Key().label("item_id"), _Rank(query).label("rank"))
        .select_from(_table)
        .where(_Hits(query, False))
    )


def matching(text: str) -> sa.ColumnElement[bool]:
    """The condition on `stubs.item_id` of the stubs `match` gives, without ranking them (what
    a filter and a count need)."""
    query = parse(text)
    if not query.positive:
        return _without(query)
    hits = sa.select(_Key()).select_from(_table).where(_Hits(query, False))
    return stubs.c.item_id.in_(hits)


def _without(query: Query) -> sa.ColumnElement[bool]:
    """A query without positive terms: nothing when it has no terms at all, else the stubs
    that have none of its -terms."""
    if not query.terms:
        return sa.false()
    excluded = sa.select(_Key()).select_from(_table).where(_Hits(Query(query.negative), True))
    return stubs.c.item_id.not_in(excluded)


class _Key(FunctionElement[int]):
    """The item id of a search document (FTS5's rowid, or the column)."""

    type = sa.Integer()
    inherit_cache = True


class _Hits(FunctionElement[bool]):
    """The document matches the query (with `any_of`: any of its terms, all taken positive).
    Untyped: a Boolean would be compared with 1 on SQLite, which MATCH does not allow."""

    type = NullType()  # type: ignore[assignment]
    inherit_cache = False

    def __init__(self, query: Query, any_of: bool) -> None:
        super().__init__()
        self.query = query
        self.any_of = any_of


class _Rank(FunctionElement[float]):
    """How well the document matches: higher is better."""

    type = sa.Float()
    inherit_cache = False

    def __init__(self, query: Query) -> None:
        super().__init__()
        self.query = query


@compiles(_Key, "sqlite")
def _sqlite_key(element: _Key, compiler: SQLCompiler, **kw: object) -> str:
    return "stub_search.rowid"


@compiles(_Key)
def _key(element: _Key, compiler: SQLCompiler, **kw: object) -> str:
    return "stub_search.item_id"


@compiles(_Hits, "sqlite")
def _sqlite_hits(element: _Hits, compiler: SQLCompiler, **kw: object) -> str:
    expression = fts5_expression(element.query, any_of=element.any_of)
    return f"stub_search MATCH {compiler.process(sa.literal(expression), **kw)}"


@compiles(_Hits)
def _hits(element: _Hits, compiler: SQLCompiler, **kw: object) -> str:
    return f"stub_search.document @@ {_tsquery(element.query, element.any_of, compiler, **kw)}"


@compiles(_Rank, "sqlite")
def _sqlite_rank(element: _Rank, compiler: SQLCompiler, **kw: object) -> str:
    return f"-bm25(stub_search, {TITLE_WEIGHT}, {PARTS_WEIGHT}, {ARTICLE_WEIGHT})"


@compiles(_Rank)
def _rank(element: _Rank, compiler: SQLCompiler, **kw: object) -> str:
    weights = f"'{{{ARTICLE_WEIGHT / TITLE_WEIGHT}, 0, {PARTS_WEIGHT / TITLE_WEIGHT}, 1}}'"
    query = _tsquery(element.query, False, compiler, **kw)
    return f"ts_rank({weights}, stub_search.document, {query})"


def fts5_expression(query: Query, *, any_of: bool = False) -> str:
    """The FTS5 expression of a parsed query: every word quoted, so none is FTS5 syntax."""

    def phrase(term: Term) -> str:
        quoted = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
        return quoted + ("*" if term.prefix else "")

    if any_of:
        return " OR ".join(phrase(t) for t in query.terms)
    expression = "(" + " AND ".join(phrase(t) for t in query.positive) + ")"
    for term in query.negative:
        expression += " NOT " + phrase(term)
    return expression


def websearch_text(query: Query, *, any_of: bool = False) -> str:
    """The words, phrases and -terms of a parsed query (no prefixes) for websearch_to_tsquery;
    made of our own words only, so it says exactly what was parsed."""
    parts = []
    for term in query.terms:
        if term.prefix and not term.negated and not any_of:
            continue
        sign = "-" if term.negated and not any_of else ""
        parts.append(sign + '"' + " ".join(term.words) + '"')
    return (" or " if any_of else " ").join(parts)


def prefix_tsquery(query: Query) -> str:
    """The prefix terms as to_tsquery text: the last word of each `word*` matches a prefix."""
    terms = []
    for term in query.positive:
        if term.prefix:
            quoted = [f"'{w}'" for w in term.words]
            quoted[-1] += ":*"
            terms.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(terms)


def _tsquery(query: Query, any_of: bool, compiler: SQLCompiler, **kw: object) -> str:
    web = websearch_text(query, any_of=any_of)
    prefixes = "" if any_of else prefix_tsquery(query)
    pieces = []
    if web:
        pieces.append(f"websearch_to_tsquery('simple', {compiler.process(sa.literal(web), **kw)})")
    if prefixes:
        pieces.append(f"to_tsquery('simple', {compiler.process(sa.literal(prefixes), **kw)})")
    return "(" + " && ".join(pieces) + ")"
