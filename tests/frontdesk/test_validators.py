
import pytest
from django.core.exceptions import ValidationError

from frontdesk.validators import clean_id_document, clean_phone, clean_plate, clean_resident_id, convert_15_to_18


@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", " 110105 19491231002X "])
def test_valid_resident_ids(value):
    assert clean_resident_id(value) == "11010519491231002X"


def test_valid_ids_with_computed_check_digits():
    from frontdesk.validators import id_check_digit

    for first17 in ("11010519900307123", "31010420001231987", "51010719850615004"):
        value = first17 + id_check_digit(first17)
        assert clean_resident_id(value) == value


@pytest.mark.parametrize(
    "value, code",
    [
        ("110105194912310021", "check_digit"),  # right format, wrong check digit
        ("110105199902310012", "birth_date"),  # 31 February
        ("110105210001010011", "birth_date"),  # born in 2100
        ("110105189901010011", "birth_date"),  # before 1900
        ("99010519491231002X", "region"),  # no such province
        ("11010519491231002", "format"),  # 17 characters
        ("11010519491231002Y", "format"),
        ("1101051949123100２X", None),  # full-width digit: normalised, then checked
    ],
)
def test_invalid_resident_ids(value, code):
    if code is None:
        assert clean_resident_id(value) == "11010519491231002X"
        return
    with pytest.raises(ValidationError) as exc:
        clean_resident_id(value)
    assert exc.value.code == code


def test_fifteen_digit_ids_are_converted_to_eighteen():
    # 15-digit IDs (issued before 1999) are converted with the standard rule, never rejected.
    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    assert clean_resident_id("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "id_type, value, ok",
    [
        ("passport", "E12345678", True),
        ("passport", "EA1234567", True),
        ("passport", "12", False),
        ("hk_macau", "H12345678", True),
        ("hk_macau", "M1234567801", True),
        ("hk_macau", "X12345678", False),
        ("taiwan", "12345678", True),
        ("taiwan", "1234567", False),
        ("other", "军官证 123", True),
    ],
)
def test_other_documents(id_type, value, ok):
    if ok:
        assert clean_id_document(id_type, value)
    else:
        with pytest.raises(ValidationError):
            clean_id_document(id_type, value)


@pytest.mark.parametrize(
    "value, plate, new_energy",
    [
        ("粤B12345", "粤B12345", False),
        ("粤b·12345", "粤B12345", False),
        ("京A 8D8F8", "京A8D8F8", False),
        ("粤BD12345", "粤BD12345", True),  # small new-energy
        ("沪AFA1234", "沪AFA1234", True),
        ("粤B12345D", "粤B12345D", True),  # large new-energy
        ("苏E1234学", "苏E1234学", False),
    ],
)
def test_plates(value, plate, new_energy):
    assert clean_plate(value) == (plate, new_energy)


@pytest.mark.parametrize("value", ["B12345", "粤I12345", "粤B1234", "粤B1234567", "ABCDEFG", "粤BD1234X"])
def test_bad_plates(value):
    with pytest.raises(ValidationError):
        clean_plate(value)


@pytest.mark.parametrize(
    "value, expected",
    [("138 1234 5678", "13812345678"), ("0755-26881234", "075526881234"), ("+85291234567", "+85291234567"), ("", "")],
)
def test_phones(value, expected):
    assert clean_phone(value) == expected


@pytest.mark.parametrize("value", ["1381234567", "12812345678", "abc", "5678"])
def test_bad_phones(value):
    with pytest.raises(ValidationError):
        clean_phone(value)
