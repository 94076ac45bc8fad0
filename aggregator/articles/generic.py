"""The generic article extractor: trafilatura in precision mode, then a boilerplate pass.

Why this shape (measured with `bench/extract.py`, see docs/design.md): trafilatura is the best
of the extractors we tried, and its precision mode without its backup algorithms (`fast`) is both
more precise and faster than its defaults. That mode sometimes keeps only a scrap of the page, so
a short result is retried once with the backup algorithms. What trafilatura still lets through is
mostly news furniture that is easy to recognise as a whole block: the headline again, "Related:"
teasers, links standing alone, newsletter and follow prompts, credit and date lines. Removing
those blocks raises precision without touching the article's own paragraphs.

No per-site rule lives here and nothing touches the network. Input beyond `MAX_HTML_CHARS` is
truncated before parsing, which bounds the time and memory one hostile page can take.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from lxml.html import HtmlElement

from aggregator.records import ExtractedPage

MAX_HTML_CHARS = 2_000_000
# Below this many characters the fast result is suspect and the backup algorithms get a say.
SHORT_TEXT_CHARS = 500
# Blocks longer than this many words are taken as prose: the boilerplate rules leave them alone.
MAX_BOILERPLATE_WORDS = 40

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_BLOCKS = ("p", "head", "item", "quote")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•»]+\s+")

# Teaser labels: "Related: ...", "READ MORE: ...", "See also - ...", "Tags: ...".
_LABEL = re.compile(
    r"^(related( \w+)?|read more|see more|see also|also read|read also|more( on this)?|"
    r"don'?t miss|recommended( reading)?|further reading|more from \w+|trending|popular|"
    r"tags?|topics|keywords|categor(y|ies)|categorias?|schlagw(ö|oe)rter)\s*[:|»>–—-]",
    re.IGNORECASE,
)
_TAGS_LABEL = re.compile(r"^(tags?|topics|keywords|schlagw(ö|oe)rter)\W*$", re.IGNORECASE)
_RULES = tuple(
    re.compile(rule, re.IGNORECASE)
    for rule in (
        _LABEL.pattern,
        # a paragraph that is nothing but a label of the page's furniture
        r"^(related( \w+)?|read more|see also|you (may|might) also like|don'?t miss|"
        r"most (read|popular|viewed)( in [\w ]+)?|trending( now)?|recommended( for you)?|"
        r"tags?|topics|share( this( \w+)?)?|comments?|\d+ comments?|advertisement|"
        r"tell us what you think|more stories|latest news|sponsored( content)?)\W*$",
        # newsletter and subscription prompts
        r"\b(sign up|subscribe)\b.*\b(inbox|newsletters?|today|free|daily)\b"
        r"|\bnewsletters?\b.*\b(inbox|sign up|subscribe)\b|^[\w ]{0,40}\bnewsletters?\W*$"
        r"|\bclick here\b|\bsubscriptions? service\b",
        # contact and follow prompts; a paragraph made mostly of web addresses
        r"\b(follow|reach|email|e-mail|contact|tip\?|tips)\b.*(@\w|twitter|facebook|instagram)"
        r"|^follow \w+\W? (full )?coverage\b|^(\W*\S+\W*){0,6}(https?://\S+\W*){1,}$",
        # credits, bylines, copyright and reading time
        r"^\(?(additional )?(reporting|writing|editing|compiled|produced) by\b"
        r"|contributed (to )?(this|the) (report|story|article)\W*$"
        r"|^(photo|image|picture|credit|source)s?\s*:|\((photo|image)?\s*credit\b|©|\bcopyright\b"
        r"|^\W*(\d[\d/.-]*\s*[-–|]\s*)?(posted|published|written|publicado|escrito|postado|"
        r"publié|veröffentlicht)\s+(by|por|par|von)\b"
        r"|^(reading time|tempo de leitura|temps de lecture|tiempo de lectura|lesezeit)\b"
        r"|^\d+\s*min(ute)?s?( read)?\W*$",
        # tagged teasers such as "Headline of another story [VIDEO]"
        r"\[[A-Z]{3,}\]\W*$",
    )
)
# "By Jane Doe and John Roe": case matters, "By the end of the day" is prose.
_BYLINE = re.compile(
    r"^(By|BY|Por|Von|Par)\s+[A-Z][\w.'-]*(\s+(and|&|e|y|und|et|[A-Z][\w.'-]*),?){0,5}$"
)
# Words a date-and-time line is made of, in the languages most often met in feeds.
_DATE_WORDS = frozenset(
    """
    jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july
    august september october november december mon tue wed thu fri sat sun monday tuesday
    wednesday thursday friday saturday sunday am pm a p m at on by updated published posted the of
    janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro
    segunda terça quarta quinta sexta sábado domingo feira de às em atualizado publicado
    enero febrero marzo mayo junio julio septiembre octubre noviembre diciembre lunes martes
    miércoles jueves viernes el del janvier février mars avril mai juin juillet août septembre
    octobre décembre le à januar februar märz juni juli oktober dezember um uhr am
    utc gmt est edt cst cdt pst pdt bst cet cest amt ist jst kst
    """.split()
)


def extract_generic(html: str, url: str | None = None) -> ExtractedPage | None:
    """The article of `html`, or None when the page has none.

    HTML beyond `MAX_HTML_CHARS` (2 MB) is cut off first: a real article fits well within it and
    this keeps a hostile page from costing seconds. `text` is the body's paragraphs separated
    by blank lines; `html` is the body as simple HTML, not sanitised; `published` is aware UTC.
    """
    from trafilatura.utils import load_html

    tree = load_html(html[:MAX_HTML_CHARS])
    if tree is None:
        return None
    body = _article_body(tree, url)
    if body is None:
        return None
    titles = _title_candidates(tree)
    _drop_boilerplate(body, titles, _link_texts(tree))
    text = _text_of(body)
    if not text:
        return None
    ld = _json_ld(tree)
    return ExtractedPage(
        text=text,
        html=_html_of(body),
        title=next(iter(titles.values()), None),
        author=_author(tree, ld),
        published=_published(tree, ld),
    )


def _article_body(tree: HtmlElement, url: str | None) -> etree._Element | None:
    """trafilatura's body tree: precise and fast first, the backup algorithms when it is short."""
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    best: etree._Element | None = None
    best_len = 0
    for fast in (True, False):
        doc = bare_extraction(
            tree, url=url, fast=fast, favor_precision=True, include_comments=False
        )
        if isinstance(doc, Document) and doc.body is not None and len(doc.text or "") > best_len:
            best, best_len = doc.body, len(doc.text or "")
        if best_len >= SHORT_TEXT_CHARS:
            break
    return best


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


def _title_candidates(tree: HtmlElement) -> dict[tuple[str, ...], str]:
    """The page's headline in its usual places, keyed by its lower-case tokens, best first."""
    found: list[str] = []
    for xpath in (
        '//meta[@property="og:title"]/@content',
        '//meta[@name="twitter:title"]/@content',
        "//h1",
        "//title",
    ):
        for value in tree.xpath(xpath)[:3]:
            text = _norm(value if isinstance(value, str) else value.text_content())
            if text:
                found.append(text)
                found.append(_TITLE_SEPARATORS.split(text)[0])
    return {_tokens(text): text for text in found if _tokens(text)}


def _link_texts(tree: HtmlElement) -> set[tuple[str, ...]]:
    """Token sequences of the page's links: a block that is only a link is a teaser."""
    texts = set()
    for anchor in tree.iter("a"):
        tokens = _tokens(anchor.text_content())
        if len(tokens) >= 2:
            texts.add(tokens)
    return texts


def _segments(body: etree._Element) -> list[tuple[etree._Element, bool]]:
    """The body's paragraphs in document order: (element, False) for an innermost block and
    (element, True) for the loose text that trafilatura left in its tail (or in the body's text).
    """
    found: list[tuple[etree._Element, bool]] = [(body, True)] if body.text else []
    for element in body.iter():
        if element is body or next(element.iterancestors(*_BLOCKS), None) is not None:
            continue
        if element.tag in _BLOCKS and next(element.iterdescendants(*_BLOCKS), None) is None:
            found.append((element, False))
        if element.tail and element.tail.strip():
            found.append((element, True))
    return found


def _is_boilerplate(
    text: str, titles: dict[tuple[str, ...], str], links: set[tuple[str, ...]]
) -> bool:
    """True for a paragraph that belongs to the page's furniture, judged on its text alone."""
    tokens = _tokens(text)
    if not tokens:
        return True
    if len(tokens) > MAX_BOILERPLATE_WORDS:
        return False
    unlabelled = _tokens(_LABEL.sub("", text, count=1))
    if tokens in titles or tokens in links or (unlabelled != tokens and unlabelled in links):
        return True
    if _BYLINE.match(text) or any(rule.search(text) for rule in _RULES):
        return True
    has_date = any(t.isdigit() and len(t) in (2, 4) for t in tokens)
    return has_date and all(t.isdigit() or t in _DATE_WORDS for t in tokens)


def _drop_boilerplate(
    body: etree._Element, titles: dict[tuple[str, ...], str], links: set[tuple[str, ...]]
) -> None:
    """Remove the furniture paragraphs, the tag list after a "Tags" label, then empty lists."""
    removals: list[etree._Element] = []
    after_tags = False
    for element, loose in _segments(body):
        raw = (element.text if element is body else element.tail) if loose else None
        lines = raw.splitlines() if raw is not None else ["".join(element.itertext())]
        kept = []
        for line in lines:
            text = _norm(line)
            if not text:
                continue
            tag_list = after_tags and "," in text and not text.endswith((".", "!", "?"))
            after_tags = bool(_TAGS_LABEL.match(text))
            if not (tag_list or _is_boilerplate(text, titles, links)):
                kept.append(line)
        if not loose and not kept:
            removals.append(element)
        elif loose and len(kept) < len(lines):
            value = "\n".join(kept) or None
            if element is body:
                body.text = value
            else:
                element.tail = value
    for element in removals:
        _remove(element)
    for element in list(body.iter("list", "quote")):
        if not _norm("".join(element.itertext())):
            _remove(element)


def _remove(element: etree._Element) -> None:
    """Detach `element`, keeping its tail text in the tree."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _text_of(body: etree._Element) -> str:
    """The body as plain text, one paragraph per block, blank lines between paragraphs."""
    from trafilatura.xml import xmltotxt

    lines = (_norm(line) for line in xmltotxt(body, False).splitlines())
    return "\n\n".join(line for line in lines if line)


def _html_of(body: etree._Element) -> str:
    """The body as simple HTML (p, h2, ul/li, blockquote...); the caller sanitises it."""
    from trafilatura.htmlprocessing import convert_to_html

    converted = convert_to_html(body)
    return "".join(etree.tostring(child, encoding="unicode") for child in converted[0])


def _json_ld(tree: HtmlElement) -> list[dict[str, object]]:
    """The JSON-LD objects of the page, flattened out of lists and `@graph`s."""
    found: list[dict[str, object]] = []
    pending: list[object] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            pending.append(json.loads(script.text or ""))
        except ValueError:
            continue
    while pending and len(found) < 100:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            pending.extend(v for k, v in item.items() if k == "@graph")
    return found


def _ld_articles(ld: list[dict[str, object]]) -> Iterator[dict[str, object]]:
    for item in ld:
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and ("Article" in k or k == "BlogPosting") for k in kinds):
            yield item


def _author(tree: HtmlElement, ld: list[dict[str, object]]) -> str | None:
    """The author's name: JSON-LD first, then the usual meta tags and byline markup."""
    for article in _ld_articles(ld):
        authors = article.get("author")
        people = authors if isinstance(authors, list) else [authors]
        names = [p.get("name") if isinstance(p, dict) else p for p in people]
        joined = ", ".join(_norm(n) for n in names if isinstance(n, str) and _norm(n))
        if joined:
            return joined[:200]
    for xpath in (
        '//meta[@name="author" or @property="author" or @name="dcterms.creator"]/@content',
        '//meta[@property="article:author" or @name="parsely-author"]/@content',
        '//*[@rel="author" or @itemprop="author"]',
    ):
        for value in tree.xpath(xpath)[:1]:
            text = _norm(value if isinstance(value, str) else value.text_content())
            text = re.sub(r"^by\s+", "", text, flags=re.IGNORECASE)
            if text and not text.startswith("http") and len(text) <= 200:
                return text
    return None


def _published(tree: HtmlElement, ld: list[dict[str, object]]) -> datetime | None:
    """The publication date in UTC; a date without a zone is taken as UTC."""
    values = [a.get("datePublished") for a in _ld_articles(ld)]
    values += tree.xpath(
        '//meta[@property="article:published_time" or @itemprop="datePublished" or '
        '@name="pubdate" or @name="publishdate" or @name="dcterms.date" or @name="date" or '
        '@name="DC.date.issued" or @name="sailthru.date"]/@content'
        '|//*[@itemprop="datePublished"]/@datetime|//time[@pubdate]/@datetime'
    )
    for value in values:
        if isinstance(value, str) and (parsed := _parse_date(value.strip())):
            return parsed
    return None


def _parse_date(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC) if 1990 <= parsed.year <= 2100 else None
