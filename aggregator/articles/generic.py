"""The generic article extractor: trafilatura in precision mode, then a boilerplate pass.

Why this shape (measured with `bench/extract.py`, see docs/design.md): trafilatura is the best
extractor we measured; its precision mode is more precise than its defaults, and without its
backup algorithms (`fast`) it is faster too. That mode sometimes keeps only a scrap of the
page, so a short result is retried once with the backup algorithms. What trafilatura still lets
through is mostly news furniture that is recognisable a paragraph at a time: the headline
again, "Related:" teasers, lone links, newsletter and follow prompts, credit, byline and date
lines. Dropping those paragraphs raises precision without touching the article's prose, since
paragraphs longer than `MAX_BOILERPLATE_WORDS` are never judged.

No per-site rule lives here and nothing touches the network; `extract_generic` says how the
cost of a hostile page is bounded.
"""

from __future__ import annotations

import itertools
import re

from lxml import etree
from lxml.html import HtmlElement

from aggregator.articles.clean import strip_code
from aggregator.articles.figures import article_figures
from aggregator.articles.pagemeta import author, ld_articles, meta_tags, norm, published
from aggregator.records import ExtractedPage

MAX_HTML_CHARS = 2_000_000
# Ten times the largest page of the benchmark: about two seconds of extraction at worst.
MAX_ELEMENTS = 15_000
# Below this many characters the fast result is suspect and the backup algorithms get a say.
SHORT_TEXT_CHARS = 500
# Longer paragraphs are taken as prose: the boilerplate rules never look at them.
MAX_BOILERPLATE_WORDS = 40

_Titles = dict[tuple[str, ...], str]
_Links = set[tuple[str, ...]]
_WORD = re.compile(r"\w+")
_URL = re.compile(r"https?://\S+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BLOCKS = ("p", "head", "item", "quote")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-\u2013\u2014·•»]+\s+")
# Teaser labels: "Related: ...", "READ MORE: ...", "Lire aussi : ...", "Tags: ...".
_LABEL = re.compile(
    r"^(related( \w+)?|read more|see more|see also|also read|read also|more( on this)?|"
    r"don'?t miss|recommended( reading)?|further reading|more from \w+|trending|popular|"
    r"tags?|topics|keywords|categor(y|ies)|categorias?|schlagw(ö|oe)rter|(à )?lire aussi|"
    r"voir aussi|leia (também|mais)|veja também|saiba mais|lesen sie (auch|mehr)|mehr zum thema|"
    r"lee (también|más)|leer más|ver también|leggi anche)\s*[:|»>\u2013\u2014-]",
    re.IGNORECASE,
)
_TAGS_LABEL = re.compile(r"^(tags?|topics|keywords|schlagw(ö|oe)rter)\W*$", re.IGNORECASE)
# "By Jane Doe and John Roe": case matters, "By the end of the day" is prose.
_BYLINE = re.compile(
    r"^(By|BY|Por|Von|Par)\s+[A-Z][\w.'-]*(\s+(and|&|e|y|und|et|[A-Z][\w.'-]*),?){0,5}$"
)
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
        # contact and follow prompts
        r"\b(follow|reach|email|e-mail|contact|tip\?|tips)\b.*(@\w|twitter|facebook|instagram)"
        r"|^follow \S+ (full )?coverage\b",
        # credits, bylines, copyright and reading time
        r"^\(?(additional )?(reporting|writing|editing|compiled|produced) by\b"
        r"|contributed (to )?(this|the) (report|story|article)\W*$"
        r"|^(photo|image|picture|credit|source)s?\s*:|\((photo|image)?\s*credit\b|©|\bcopyright\b"
        r"|^\W*(\d[\d/.-]*\s*[-\u2013|]\s*)?(posted|published|written|publicado|escrito|postado|"
        r"publié|veröffentlicht)\s+(by|por|par|von)\b"
        r"|^(reading time|tempo de leitura|temps de lecture|tiempo de lectura|lesezeit)\b"
        r"|^\d+\s*min(ute)?s?( read)?\W*$",
        # tagged teasers such as "Headline of another story [VIDEO]"
        r"\[[A-Z]{3,}\]\W*$",
    )
)
# Words a date-and-time line is made of, in the languages most often met in feeds.
_DATE_TEXT = """
    jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july
    august september october november december mon tue wed thu fri sat sun monday tuesday
    wednesday thursday friday saturday sunday am pm a p m at on by updated published posted the of
    janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro
    segunda terça quarta quinta sexta sábado domingo feira de às em atualizado publicado
    enero febrero marzo mayo junio julio septiembre octubre noviembre diciembre lunes martes
    miércoles jueves viernes el del janvier février mars avril mai juin juillet août septembre
    octobre décembre le à januar februar märz juni juli oktober dezember um uhr
    utc gmt est edt cst cdt pst pdt bst cet cest amt ist jst kst
"""
_DATE_WORDS = frozenset(_DATE_TEXT.split())


def extract_generic(html: str, url: str | None = None) -> ExtractedPage | None:
    """The article of `html`, or None when the page has none.

    `text` is the body's paragraphs separated by blank lines; `html` is the body as simple
    HTML, not sanitised; `published` is aware UTC. The str is parsed as is, whatever charset
    the page declares. Hostile pages are bounded, and a real article fits well within the
    bounds: a page over `MAX_HTML_CHARS` (2 MB) loses its scripts and styles, then whatever is
    still beyond the limit; the parsed tree loses all that follows its `MAX_ELEMENTS`th
    element, because extraction time grows faster than the element count. libxml2 itself
    stops at a nesting depth of 256. A page that control characters make unreadable for
    trafilatura is retried without them.
    """
    html = strip_code(html)[:MAX_HTML_CHARS] if len(html) > MAX_HTML_CHARS else html
    page = _extract(html, url)
    if page is None and _CONTROL.search(html):
        page = _extract(_CONTROL.sub("", html), url)
    return page


def _extract(html: str, url: str | None) -> ExtractedPage | None:
    tree = _parse(html)
    if tree is None:
        return None
    metas, ld = meta_tags(tree), list(ld_articles(tree))
    _bound(tree)
    body = _article_body(tree, url)
    if body is None:
        return None
    title, titles = _titles(tree, metas, ld)
    _drop_boilerplate(body, titles, _link_texts(tree))
    if not (text := _text_of(body)):
        return None
    return ExtractedPage(
        text=text,
        html=article_figures(tree, body, url) + _html_of(body),
        title=title,
        author=author(tree, metas, ld),
        published=published(tree, metas, ld),
    )


def _parse(html: str) -> HtmlElement | None:
    """The page's tree. UTF-8 bytes parse faster than a str and make libxml2 ignore a declared
    charset that no longer applies; trafilatura's loader handles whatever that cannot."""
    from lxml.html import fromstring
    from trafilatura.utils import HTML_PARSER, load_html

    try:
        tree = fromstring(html.encode("utf-8", "replace"), parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        tree = None
    return tree if tree is not None and len(tree) else load_html(html)


def _bound(tree: HtmlElement) -> None:
    """Drop code (trafilatura would) but JSON-LD, then all that follows the `MAX_ELEMENTS`th."""
    from trafilatura.xml import delete_element

    json_ld = tree.xpath('//script[@type="application/ld+json"]')
    for script in json_ld:
        script.tag = "json-ld"
    etree.strip_elements(tree, "script", "style", "svg", "noscript", with_tail=False)
    for script in json_ld:
        script.tag = "script"
    if tree.xpath("count(//*)") <= MAX_ELEMENTS:
        return
    last = next(itertools.islice(tree.iter(), MAX_ELEMENTS, None))
    for element in (last, *last.iterancestors()):
        for sibling in list(element.itersiblings()):
            delete_element(sibling, keep_tail=False)
    delete_element(last, keep_tail=False)


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


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


def _titles(
    tree: HtmlElement, metas: dict[str, str], ld: list[dict[str, object]]
) -> tuple[str | None, _Titles]:
    """The headline, and every form of it the page shows, keyed by lower-case tokens (a
    paragraph repeating one is dropped). Without a meta or JSON-LD headline, the first `<h1>`
    is the headline unless it is the shorter part of a "Site name | Headline" `<title>`."""
    found = [metas.get("og:title"), metas.get("twitter:title"), *(a.get("headline") for a in ld)]
    declared = [norm(t) for t in found if isinstance(t, str) and norm(t)]
    h1s = [norm(h.text_content()) for h in itertools.islice(tree.iterfind(".//h1"), 3)]
    title = next((norm(t.text_content()) for t in tree.iterfind(".//title")), "")
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    longest = max(parts, key=len, default=None)
    h1 = next((h for h in h1s if h), None)
    shown = h1 if h1 and (h1 not in parts or h1 == longest) else longest
    texts = [*declared, *h1s, title, *parts]
    texts += [_TITLE_SEPARATORS.split(t)[0] for t in declared]
    return next(iter(declared), shown), {tokens: t for t in texts if (tokens := _tokens(t))}


def _link_texts(tree: HtmlElement) -> _Links:
    """Token sequences of the page's links: a paragraph that is only a link is a teaser."""
    return {t for a in tree.iter("a") if len(t := _tokens(a.text_content())) >= 2}


def _segments(body: etree._Element) -> list[tuple[etree._Element, bool]]:
    """The body's paragraphs in order: (element, False) for an innermost block, (element, True)
    for loose text trafilatura left in the element's tail (in its text for the body itself)."""
    found: list[tuple[etree._Element, bool]] = [(body, True)] if body.text else []
    for element in body.iter():
        if element is body or next(element.iterancestors(*_BLOCKS), None) is not None:
            continue
        if element.tag in _BLOCKS and next(element.iterdescendants(*_BLOCKS), None) is None:
            found.append((element, False))
        if element.tail and element.tail.strip():
            found.append((element, True))
    return found


def _is_boilerplate(text: str, titles: _Titles, links: _Links) -> bool:
    """True for a paragraph of the page's furniture, judged on its text alone; the length
    check comes first so that no rule ever runs on a long string."""
    if len(text) > 15 * MAX_BOILERPLATE_WORDS:
        return False
    tokens = _tokens(text)
    if len(tokens) > MAX_BOILERPLATE_WORDS:
        return False
    if not tokens or tokens in titles or tokens in links:
        return True
    unlabelled = _tokens(_LABEL.sub("", text, count=1))
    if unlabelled != tokens and unlabelled in links:
        return True
    if _BYLINE.match(text) or any(rule.search(text) for rule in _RULES):
        return True
    if _URL.search(text) and len(_WORD.findall(_URL.sub("", text))) <= 6:
        return True  # made of web addresses: "More coverage: https://..."
    has_date = any(t.isdigit() and len(t) in (2, 4) for t in tokens)
    return has_date and all(t.isdigit() or t in _DATE_WORDS for t in tokens)


def _drop_boilerplate(body: etree._Element, titles: _Titles, links: _Links) -> None:
    """Remove the furniture paragraphs, the tag list after a "Tags" label, then empty lists."""
    from trafilatura.xml import delete_element

    removals: list[etree._Element] = []
    after_tags = False
    for element, loose in _segments(body):
        raw = (element.text if element is body else element.tail) if loose else None
        lines = raw.splitlines() if raw is not None else ["".join(element.itertext())]
        kept = []
        for line in lines:
            if not (text := norm(line)):
                continue
            tag_list = after_tags and "," in text and not text.endswith((".", "!", "?"))
            after_tags = bool(_TAGS_LABEL.match(text))
            if not (tag_list or _is_boilerplate(text, titles, links)):
                kept.append(line)
        if not loose and not kept:
            removals.append(element)
        elif loose and len(kept) < len(lines):
            if element is body:
                body.text = "\n".join(kept) or None
            else:
                element.tail = "\n".join(kept) or None
    for element in removals:
        delete_element(element)
    for element in list(body.iter("list", "quote")):
        if not norm("".join(element.itertext())):
            delete_element(element)


def _text_of(body: etree._Element) -> str:
    """The body as plain text: each line of trafilatura's text a paragraph, blank lines between."""
    from trafilatura.xml import xmltotxt

    lines = (norm(line) for line in xmltotxt(body, False).splitlines())
    return "\n\n".join(line for line in lines if line)


def _html_of(body: etree._Element) -> str:
    """The body as simple HTML (p, h2, ul/li, blockquote...); a later stage sanitises it."""
    from trafilatura.htmlprocessing import convert_to_html

    converted = convert_to_html(body)
    return "".join(etree.tostring(child, encoding="unicode") for child in converted[0])
