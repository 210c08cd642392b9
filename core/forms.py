import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from . import idempotency
from .dates import parse_month
from .text import clean_text


def _cleaning(to_python):
    def wrapped(value):
        return clean_text(to_python(value))

    return wrapped


class TokenInput(forms.HiddenInput):
    """The double-submit token: no ``id``, so two forms on one page do not repeat ``id_form_token``."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("id", None)
        return context


TOO_LONG = _("Keep this to at most %(limit_value)d characters; it has %(show_value)d.")


class StaffForm(forms.Form):
    """Base for every form: cleans invisible characters from text and carries a double-submit token."""

    form_token = forms.CharField(widget=TokenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                field.to_python = _cleaning(field.to_python)
            if isinstance(field, forms.CharField) and field.max_length is not None:
                # The server says what is too long, at the field; a maxlength attribute would let the browser
                # silently cut a paste.
                field.widget.attrs.pop("maxlength", None)
                field.error_messages["max_length"] = TOO_LONG
        if not self.is_bound:
            self.initial.setdefault(idempotency.FIELD, idempotency.new_token())


class StaffModelForm(StaffForm, forms.ModelForm):
    pass


class MonthField(forms.Field):
    """A month as ``YYYY-MM`` (``<input type="month">``), ``2026年11月`` or the date of its first day →
    the month's first day (``core.dates.parse_month``)."""

    widget = forms.TextInput(attrs={"type": "month", "title": "2026-11"})  # placeholder is not valid on type=month
    default_error_messages = {
        "invalid": _("Give a month like 2026-11."),
        "not_first": _("Give a month: the date must be the first day of a month."),
    }

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        month = parse_month(value, first_day_only=True)
        if month is None:
            code = "not_first" if parse_month(value) is not None else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code)
        return month


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, min_length=2)


def add_errors(form, exc) -> None:
    """Put a service's ValidationError on the form: at the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def submit_once(request, form, perform):
    """Validate ``form``, claim its token and run ``perform(cleaned_data) -> url`` in one transaction.

    Returns a redirect, or None when the form must be shown again (with its errors and everything
    that was typed). A repeated submission of the same form goes where the first one went.
    """
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.shortcuts import redirect

    if not form.is_valid():
        return None
    token = form.cleaned_data.get(idempotency.FIELD)
    try:
        with transaction.atomic():
            fresh, previous_url = idempotency.claim(token, request.user)
            if not fresh:
                return redirect(previous_url or request.get_full_path())
            url = perform(form.cleaned_data)
            idempotency.record_result(token, request.user, url)
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    return redirect(url)
