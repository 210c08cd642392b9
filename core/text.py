"""Cleaning typed text: what a clerk cannot see must not end up in the archive."""

import re
import unicodedata

# Zero-width characters, bidi embedding/override/isolate controls, BOM, other C0/C1 controls.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    if not isinstance(value, str):
        return value
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).strip()
