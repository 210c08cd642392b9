"""Cleaning typed text: what a clerk cannot see must not end up in the archive."""

import re
import unicodedata

# Zero-width space/non-joiner, LRM/RLM, bidi embedding/override/isolate controls, word joiner and
# invisible operators, BOM, and C0/C1 control characters (tab and newline are kept).
_INVISIBLE = re.compile(
    r"[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
# The zero-width joiner is kept only inside emoji sequences (👨‍👩‍👧), where it is part of the character.
_EMOJI = "\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F"
_STRAY_JOINER = re.compile(rf"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")


def clean_text(value: str) -> str:
    if not isinstance(value, str):
        return value
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value))
    return _STRAY_JOINER.sub("", value).strip()
