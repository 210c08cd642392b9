"""Reading what the clerk typed: normalised text, room codes, plates and name fragments."""

import re
import unicodedata

from django.db.models import Q

from core.text import clean_text
from frontdesk.models import Unit

# 3-2-1502, 3栋2单元1502, 3#2-1502, 3-1502, A座1502室
ROOM_RE = re.compile(
    r"(?P<b>[0-9A-Z]{1,5})\s*(?:栋|幢|号楼|座|#|-|/)\s*"
    r"(?:(?P<e>[0-9A-Z]{1,3})\s*(?:单元|-|/)\s*)?"
    r"(?P<n>[0-9A-Z]{1,6})\s*(?:室|号)?"
)

# The start of a room code, to list its rooms: 3-2-, 3栋2单元, 3#2-, 3栋
ROOM_PREFIX_RE = re.compile(
    r"(?P<b>[0-9A-Z]{1,5})\s*(?:栋|幢|号楼|座|#|-|/)\s*"
    r"(?:(?P<e>[0-9A-Z]{1,3})\s*(?:单元|-|/)\s*)?"
)


def normalise_query(q: str) -> str:
    return unicodedata.normalize("NFKC", clean_text(q or "")).strip().upper()


def name_matches(fragment: str) -> Q:
    """People whose name contains ``fragment``; needs ``.alias(name_grams=NameGrams(Upper("name")))``.
    Under 3 characters pg_trgm cannot narrow the search: the 1-/2-character index does."""
    condition = Q(name__icontains=fragment)
    if len(fragment) < 3:
        condition &= Q(name_grams__contains=[fragment.upper()])
    return condition


def room_code(text: str) -> tuple[str, re.Match | None]:
    """The room code a typed room names (3-2-1502, 3栋2单元1502室, ...) and the match it was read from
    (None: not a room pattern, the normalised text is taken as the code)."""
    query = normalise_query(text)
    match = ROOM_RE.fullmatch(query)
    return (Unit.make_code(match["b"], match["e"], match["n"]) if match else query), match
