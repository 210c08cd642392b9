from django import forms
from django.utils.translation import gettext_lazy as _

from . import idempotency
from .text import clean_text


def _cleaning(to_python):
    def wrapped(value):
        return clean_text(to_python(value))

    return wrapped


class StaffForm(forms.Form):
    """Base for every form: cleans invisible characters from text and carries a double-submit token."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                field.to_python = _cleaning(field.to_python)
        if not self.is_bound:
            self.initial.setdefault(idempotency.FIELD, idempotency.new_token())


class StaffModelForm(StaffForm, forms.ModelForm):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, min_length=2)
