"""Django's own form and model validation messages, in the project's words.

Django's Chinese for these reads as machine output ("确保该变量包含不超过 50 字符 (目前字符数 5000)。",
"确认小数不超过 2 位." with an English full stop). Our catalogue (``locale/zh_Hans``) is listed in
``LOCALE_PATHS``, which Django searches before its own, so an entry there for Django's msgid replaces
Django's translation everywhere (forms, model validation, every app) with nothing to change in the code.
Marking the msgids here keeps those entries in the catalogue: ``makemessages`` would otherwise mark them
obsolete. Nothing imports the names below; they exist for the extractor. The msgids must match Django's
exactly (``tests/core/test_django_messages.py`` checks the wording that reaches a user).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
)

PLURAL_MESSAGES = (
    ngettext_lazy("Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                  "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
                  "limit_value"),
    ngettext_lazy("Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
                  "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
                  "limit_value"),
    ngettext_lazy("Ensure that there are no more than %(max)s digit in total.",
                  "Ensure that there are no more than %(max)s digits in total.", "max"),
    ngettext_lazy("Ensure that there are no more than %(max)s decimal place.",
                  "Ensure that there are no more than %(max)s decimal places.", "max"),
    ngettext_lazy("Ensure that there are no more than %(max)s digit before the decimal point.",
                  "Ensure that there are no more than %(max)s digits before the decimal point.", "max"),
)
