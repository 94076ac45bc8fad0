"""The rule for account names, and the key two names are compared by.

A name is 1 to 64 characters: letters, digits, the marks that letters of some scripts carry
(not first), and `.`, `_`, `-`, `@` (an e-mail address fits). No spaces, no control, format or
bidirectional characters ("\u202eevil" is refused), so a name shown on a page or in a log line
is what it seems. Names are kept in NFC and compared case-insensitively: "Ana" and "ana" are
one account, and so are two spellings that NFKC makes one ("ﬁ" and "fi").
"""

from __future__ import annotations

import unicodedata

MAX_NAME_CHARS = 64
PUNCTUATION = frozenset("._-@")
NAME_RULE = (
    f"1 to {MAX_NAME_CHARS} letters, digits and the characters . _ - @ "
    "(no spaces, control or bidirectional characters)"
)


def account_name(value: str) -> str:
    """`value` as an account name (NFC); ValueError naming the first character not allowed, or
    the length, with the rule."""
    name = unicodedata.normalize("NFC", value)
    if not name:
        raise ValueError(f"an account name cannot be empty: use {NAME_RULE}")
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"an account name has at most {MAX_NAME_CHARS} characters")
    for position, char in enumerate(name, 1):
        if not _allowed(char, first=position == 1):
            raise ValueError(
                f"an account name cannot hold U+{ord(char):04X} (character {position}): "
                f"use {NAME_RULE}"
            )
    return name


def name_key(name: str) -> str:
    """What two names are compared by: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", name).casefold()


def _allowed(char: str, *, first: bool) -> bool:
    if char in PUNCTUATION:
        return True
    kind = unicodedata.category(char)
    if kind[0] == "L" or kind == "Nd":
        return True
    return not first and kind in ("Mn", "Mc")
