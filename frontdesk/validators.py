"""Identity documents, plates and phones as Chinese property offices meet them.

Mainland resident ID (居民身份证, GB 11643-1999): 17 digits + check digit (0-9 or X), a valid
region prefix and a real birth date. Old 15-digit IDs are **converted** to 18 digits (the
standard conversion: insert "19" before the 2-digit year, compute the check digit) and the clerk
is told so. The 港澳台居民居住证 uses the same format with prefixes 81/82/83.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
}


def _normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").strip().upper()


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=False)) % 11]


def convert_15_to_18(value: str) -> str:
    first17 = value[:6] + "19" + value[6:]
    return first17 + id_check_digit(first17)


def birth_date_from_id(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def clean_resident_id(value: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character ID or raise ValidationError with a message for the clerk."""
    value = _normalise(value)
    if re.fullmatch(r"\d{15}", value):
        value = convert_15_to_18(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("A resident ID has 18 characters: 17 digits and a final digit or X."), code="format")
    if value[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_("The first two digits are not a valid region code."), code="region")
    birth = birth_date_from_id(value)
    today = today or timezone.localdate()
    if birth is None or birth.year < 1900 or birth > today:
        raise ValidationError(_("The birth date in this ID number is impossible."), code="birth_date")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The check digit is wrong: please check the number again."), code="check_digit")
    return value


ID_FORMATS = {
    # id_type: (pattern, message)
    "passport": (r"[A-Z0-9]{5,17}", _("A passport number has 5 to 17 letters and digits.")),
    "hk_macau": (r"[HM]\d{8}(\d{2})?", _("A Home Return Permit number is H or M followed by 8 (or 10) digits.")),
    "taiwan": (r"\d{8}|\d{10}", _("A Taiwan compatriot permit number has 8 (or 10) digits.")),
    "other": (r".{2,40}", _("Enter the document number (2 to 40 characters).")),
}


def clean_id_document(id_type: str, value: str) -> str:
    if not (value or "").strip():
        return ""
    if id_type == "resident_id":
        return clean_resident_id(value)
    value = _normalise(value)
    pattern, message = ID_FORMATS[id_type]
    if not re.fullmatch(pattern, value):
        raise ValidationError(message, code="format")
    return value


PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_L = "A-HJ-NP-Z"  # letters on plates: no I or O
PLATE_PATTERNS = (
    (re.compile(rf"[{PLATE_PROVINCES}][{_L}][DF][{_L}0-9]\d{{4}}"), True),  # small new-energy: 粤BD12345
    (re.compile(rf"[{PLATE_PROVINCES}][{_L}]\d{{5}}[DF]"), True),  # large new-energy: 粤B12345D
    (re.compile(rf"[{PLATE_PROVINCES}][{_L}][{_L}0-9]{{4}}[{_L}0-9挂学警港澳领试超]"), False),
)


def normalise_plate(value: str) -> str:
    return re.sub(r"[\s·.\-•]", "", _normalise(value))


def clean_plate(value: str) -> tuple[str, bool]:
    """Return (normalised plate, is_new_energy) or raise ValidationError."""
    plate = normalise_plate(value)
    for pattern, new_energy in PLATE_PATTERNS:
        if pattern.fullmatch(plate):
            return plate, new_energy
    raise ValidationError(
        _("Not a valid plate: a province character, a letter, then 5 characters (6 for new-energy vehicles)."),
        code="plate",
    )


def normalise_phone(value: str) -> str:
    value = _normalise(value)
    return re.sub(r"[\s\-()（）]", "", value)


def clean_phone(value: str) -> str:
    phone = normalise_phone(value)
    if not phone:
        return ""
    if re.fullmatch(r"1[3-9]\d{9}", phone) or re.fullmatch(r"0\d{9,11}", phone) or re.fullmatch(r"\+\d{6,15}", phone):
        return phone
    raise ValidationError(
        _("Enter an 11-digit mobile number, a landline with its area code, or an international number with +."),
        code="phone",
    )
