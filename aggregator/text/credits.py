"""Lines of a page that are not the story: credits, captions, bylines, prompts, navigation.

Extraction keeps what sits inside the article body, and on real pages that includes the
captions and credits of its pictures ("Photo by Andre Deak, published under a Creative Commons
license."), the post's own credits ("This post was written in collaboration with ..."),
share and subscribe prompts, link lists and headings. They are text, but not sentences an
editor would quote as the news, so the summariser, the key points and the figures skip them.

Everything here is pure and judges one sentence (or one line) at a time:
- `is_credit_line`: a picture or post credit, a licence notice, a byline or dateline;
- `is_caption`: a line that describes a picture (alt text, caption) rather than the story;
- `is_furniture_sentence`: any of those, or a prompt, navigation, a heading (a line without
  closing punctuation), a cross-head in capitals, a bare quote attribution, a fragment.
"""

from __future__ import annotations

import re

from aggregator.text.cjk import CJK_CHAR

__all__ = ["is_caption", "is_credit_line", "is_furniture_sentence", "is_whole_sentence"]

MIN_WORDS = 5  # words of two or more letters, dates and times not counted
MIN_CJK_CHARS = 12
CAPTION_MAX_WORDS = 30  # a longer sentence is narrative even when it mentions a photo

_PICTURE = (
    r"(?:photo(?:graph)?|picture|pic|image|art(?:work)?|illustration|graphic|video|cartoon"
    r"|comic|drawing|painting|poster|banner|map|chart|infographic|screenshot|screen\s*shot"
    r"|screen\s*capture|thumbnail|foto|bild|imagen|dessin|vidéo)s?"
)
_CREDIT = re.compile(
    rf"""
      ^\W*(?:{_PICTURE}|source|credits?|copyright|caption|pictured|fuente|quelle|crédits?
          |illustrations?|写真|画像|動画|出典|图片|视频|来源)\s*(?:[:|(]|\u2014|-\s)
    | [,;.(\u2013\u2014-]\s*{_PICTURE}\s+(?:by|courtesy\s+of|credit\s*:)\s
    | ^\W*courtesy\s+of\s | \bby\s+@\w+\W*$
    | \b(?:by|from|via|on)\s+flickr\b | \bflickr\s+user\b | \bwiki[mp]edia\s+commons\b
    | \b(?:published|used|licen[cs]ed|released|shared|reproduced|available|distributed)
        \s+(?:under|with)\s+(?:a\s+|the\s+)?(?:creative\s*commons|cc[\s-]|public[\s-]domain
        |gnu|free\s+licen)
    | \bcreative\s*commons\s+(?:licen[cs]e|attribution|by)\b
    | \(cc(?:[\s-]by[\w\s.-]*|\s+licen[cs]ed)\)
    | \bcc[\s-]by(?:[\s-](?:sa|nc|nd))+\b | \bpublic[\s-]domain\s+licen[cs]e
    | (?:^|[\s(])© | \ball\s+rights\s+reserved\b
    | \b(?:getty\s+images|ap\s+photo|afp\s+photo|epa\s+photo)\b
    | \bthis\s+(?:post|article|story|piece)\s+(?:was\s+)?(?:written|translated
        |prepared|compiled|produced|edited)\s+(?:in\s+collaboration\s+with|with|by)\b
    | \b(?:has|have)\s+(?:collaborated|contributed)\s+(?:with|to)\s+this\s+(?:post|article|story)
    | \b(?:the\s+)?{_PICTURE}\s+used\s+in\s+this\s+(?:post|article|story)
    | ^\W*(?:cross-?posted|originally\s+(?:published|posted|appeared)|first\s+(?:published
        |appeared))\s+(?:at|on|in|from)\b
    | \bthis\s+(?:post|article|story)\s+(?:originally|first)\s+appeared\b
    | ^\W*(?:translated|edited|written|posted|reported|compiled|words)\s+by\s
    | ^\W*(?:additional\s+)?reporting\s+by\s
    | ^\W*(?:author|reporter|editor|translator|photographer)s?\s*:
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "By Jane Doe and John Roe, CNN", "By . Jane Doe ."
_BYLINE = re.compile(
    r"""^\W*by\s+(?:\.\s+)?(?-i:[A-Z])[\w.'\u2019-]*
        (?:[\s,]+(?:and\s+|for\s+)?(?-i:[A-Z])[\w.'\u2019-]*){0,5}[\s.]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_PROMPT = re.compile(
    r"""^\W*(?:
        (?:published|updated|last\s+updated|posted|modified)\b\W*[:\s\d]   # timestamps
      | (?:video\s+)?scroll\s+down | click\s+(?:here|to)\b | tap\s+here | read\s+more
      | see\s+more | continue\s+reading | read\s+the\s+(?:full|rest) | keep\s+reading
      | watch\s+(?:the\s+)?video | follow\s+@ | follow\s+(?:us|him|her|me)\s+on
      | share\s+(?:this|on|via) | sign\s+up | subscribe\b | advertisement\b | sponsored\b
      | like\s+us\s+on | join\s+(?:us|the\s+conversation) | leave\s+a\s+(?:comment|reply)
      | (?:download|get)\s+(?:our|the)\s+app | back\s+to\s+top | skip\s+(?:to|ad)\b
      | (?:next|previous)\s+(?:article|story|post)\b | view\s+(?:the\s+)?(?:gallery|slideshow)
      | (?:other\s+)?related(?:\s+(?:articles|posts|stories|links|coverage))?\s*:
      | more\s*: | watch\s*: | listen\s*: | tags?\s*: | filed\s+under\b | posted\s+in\b
      | see\s+also\b | (?:à\s+)?lire\s+aussi | voir\s+aussi | lesen\s+sie | mehr\s+zum\s+thema
      | le[ae]\s+(?:más|también|mais) | leggi\s+anche
      | 関連記事 | 写真 | 動画 | 图片 | 视频 | 责任编辑 | 相关阅读 | 原标题
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_PROMPT_ANYWHERE = re.compile(
    r"""\bthe\s+post\s+.{1,200}\s+appeared\s+first\s+on\b | \bcomments?\s*\(\d+\)
      | \b(?:share|tweet|email|pin)\s+(?:this|it)\s+(?:on|with|via)\b
      | \bsign\s+up\s+(?:for|to)\s+(?:our|the)\s+newsletter | \bsubscribe\s+to\s+(?:our|the)\b
      | [\w-]+\.(?:jpe?g|png|gif|webp|svg)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_NAVIGATION = re.compile(  # Home > World > Asia
    r"\s[|\u00bb\u203a>]\s[^|\u00bb\u203a>]*\s[|\u00bb\u203a>]\s"
)
# A sentence that is nothing but an attribution: "he said.", "said Mr Smith.", "— Jane Doe".
_NAME = r"(?:he|she|they|we|i|[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})"
_ATTRIBUTION = re.compile(
    rf"""^\W*(?:{_NAME}\s+(?:said|says|added|adds|told\s+\S+|explained|wrote|writes)
        | (?:said|says|added|adds|wrote)\s+{_NAME}
        | according\s+to\s+{_NAME}
        | [\u2014\u2013-]+\s*{_NAME}
        )(?:\s+(?:on\s+)?\w+day|\s+yesterday|\s+today|\s+last\s+\w+)?[\W]*$""",
    re.VERBOSE,
)
# "Picture message sent by a supporter", "Arabist picture for the Hagg, ... watching the speech."
_CAPTION_START = re.compile(
    rf"^\W*(?:[\w'\u2019-]+\s+)?{_PICTURE}(?:\s+message)?\s+(?:of|for|from|by|showing"
    rf"|taken|sent|shot|posted|shared|made|released)\b",
    re.IGNORECASE,
)
_LABELLED = re.compile(r"^\W*(?-i:[A-Z])[\w'\u2019-]*(?:\s+[\w'\u2019-]+){0,2}:\s+\S")
_SPEECH = re.compile(  # "She added: '...'" introduces a quotation, it is no caption
    r"\b(?:said|says|added|adds|continued|continues|wrote|writes|read|reads|explained|told"
    r"|tweeted|posted|stated|noted|warned|asked|replied|concluded)\s*:",
    re.IGNORECASE,
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did|does"
    r"|do|said|says|went|became|shows|showed|got|made|took|gave)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_DATE_WORD = re.compile(
    r"""(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?|january|february|march|april|may
    |june|july|august|september|october|november|december|(?:mon|tues|wednes|thurs|fri|satur
    |sun)day|[ap]m|gmt|utc|bst|cet|cest|[ecmp][sd]t|st|nd|rd|th""",
    re.IGNORECASE | re.VERBOSE,
)
_CLOSING = "\"'\u201d\u2019\u00bb\u203a)]}\u300d\u300f\u3011\uff09*"
_ENDS = ".!?\u2026\u203d\u3002\uff01\uff1f\uff61"


def is_credit_line(text: str) -> bool:
    """A credit or licence notice (of a picture or of the post), a byline or a dateline:
    "Photo by Jane Doe, published under a Creative Commons license.", "Art: Jane Doe",
    "Image by jdoe from Flickr (cc licensed)", "By Jane Doe, Reuters",
    "This post was written in collaboration with Jane Doe"."""
    return bool(_CREDIT.search(text) or _BYLINE.search(text))


def is_caption(text: str) -> bool:
    """A line describing a picture rather than telling the story, short enough to be a
    caption and with no finite verb: one that starts with a picture word followed by what it
    shows or who made it ("Picture message sent by a supporter from Thailand"), or with a
    short label and a colon ("Retread: the minister with his wife yesterday.")."""
    if len(text.split()) > CAPTION_MAX_WORDS:
        return False
    labelled = bool(_LABELLED.match(text)) and not _SPEECH.search(text)
    if not (labelled or _CAPTION_START.search(text)):
        return False
    return not _FINITE.search(text)


def is_whole_sentence(text: str) -> bool:
    """Whether the text ends as a sentence does (. ! ? or their CJK forms, before closing
    quotes or brackets). The splitter ends a sentence at every line break, so a sentence
    without one is a whole line without closing punctuation: a heading, a caption, a link, a
    chant set on its own line, or an item of a list of links."""
    stripped = text.rstrip().rstrip(_CLOSING).rstrip()
    return bool(stripped) and stripped[-1] in _ENDS


def is_furniture_sentence(text: str) -> bool:
    """True for what never belongs in a summary, a key point or a figure sentence: credits,
    captions, bylines, timestamps, share/subscribe and reading prompts, navigation, headings
    and other lines without closing punctuation, cross-heads in capitals, a bare quote
    attribution, or a fragment too short to state anything."""
    cjk = len(CJK_CHAR.findall(text))
    words = [word for word in _WORD.findall(text) if not _DATE_WORD.fullmatch(word)]
    if cjk > len(words):  # Japanese or Chinese, maybe with a few Latin words
        if cjk < MIN_CJK_CHARS:
            return True
    elif len(words) < MIN_WORDS or _shouted(words):
        return True
    if not is_whole_sentence(text):
        return True
    return bool(
        _PROMPT.search(text)
        or _PROMPT_ANYWHERE.search(text)
        or _NAVIGATION.search(text)
        or _ATTRIBUTION.search(text)
        or is_credit_line(text)
        or is_caption(text)
    )


def _shouted(words: list[str]) -> bool:
    """A cross-head or banner in capitals ("LIVERPOOL WRAP UP MORENO DEAL")."""
    letters = "".join(words)
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)
