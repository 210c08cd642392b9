"""Issue 15 (3): Django's default validation messages read as written for the clerk, in Chinese with Chinese
punctuation ("确保该变量包含不超过 50 字符 (目前字符数 5000)。" and "确认小数不超过 2 位." were shown).
Our catalogue overrides Django's msgids (core/django_messages.py keeps them in it)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation


def _message(field, value) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        field.clean(value)
    return refused.value.messages[0]


def test_too_long_text_is_said_plainly():
    assert _message(forms.CharField(max_length=50), "字" * 5000) == "最多 50 个字（现在 5000 个）。"


def test_decimal_places_end_with_a_chinese_full_stop():
    assert _message(forms.DecimalField(decimal_places=2), "1.234") == "最多保留 2 位小数。"


@pytest.mark.parametrize("field, value", [
    (forms.CharField(), ""),
    (forms.CharField(max_length=50), "字" * 5000),
    (forms.IntegerField(), "abc"),
    (forms.IntegerField(max_value=10), "11"),
    (forms.DecimalField(max_digits=5, decimal_places=2), "123456"),
    (forms.DateField(), "2026-13-45"),
    (forms.ChoiceField(choices=[("a", "A")]), "b"),
])
def test_no_default_wording_reaches_a_user(field, value):
    message = _message(field, value)
    assert not message.startswith(("确保", "确认", "输入一个", "这个字段")) and not message.endswith(".")
