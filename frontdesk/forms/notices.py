"""Notice forms: drafting from a template, editing a draft, reasons, the templates, the archive's query
string. Validation and layout only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import Notice, NoticeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Give a date like 2026-11-05.")}


def _entrance_choices(entrances):
    return [(e.pk, f"{e.building} {e}") for e in entrances]


class _Period(StaffForm):
    post_from = forms.DateField(label=_("Posted from"), widget=DATE, input_formats=["%Y-%m-%d"],
                                error_messages=DATE_ERRORS)
    post_to = forms.DateField(label=_("Posted until"), widget=DATE, input_formats=["%Y-%m-%d"],
                              error_messages=DATE_ERRORS)
    entrances = forms.TypedMultipleChoiceField(label=_("Post at these entrances"), coerce=int,
                                               widget=forms.CheckboxSelectMultiple)
    send_sms = forms.BooleanField(label=_("Also send an SMS to the owners at these entrances"), required=False)

    def __init__(self, *args, entrances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrances"].choices = _entrance_choices(entrances)

    def clean(self):
        data = super().clean()
        if data.get("post_from") and data.get("post_to") and data["post_to"] < data["post_from"]:
            self.add_error("post_to", _("The posting period ends before it starts."))
        return data


class NoticeDraftForm(_Period):
    template = forms.TypedChoiceField(label=_("Template"), coerce=int)
    date = forms.CharField(label=_("Date (fills {date})"), max_length=40, required=False)
    start = forms.CharField(label=_("From (fills {start})"), max_length=40, required=False)
    end = forms.CharField(label=_("Until (fills {end})"), max_length=40, required=False)
    area = forms.CharField(label=_("Area affected (fills {area})"), max_length=100, required=False)

    field_order = ["template", "date", "start", "end", "area", "post_from", "post_to", "entrances", "send_sms"]

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {t.pk: t for t in templates}
        self.fields["template"].choices = [("", "—")] + [(t.pk, f"{t.name}（{t.get_kind_display()}）")
                                                          for t in templates]

    def clean(self):
        data = super().clean()
        data["template_obj"] = self.templates.get(data.get("template"))
        return data


class NoticeEditForm(_Period):
    kind = forms.ChoiceField(label=_("Kind of notice"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), max_length=800, widget=forms.Textarea(attrs={"rows": 10}))

    field_order = ["kind", "title", "body", "post_from", "post_to", "entrances", "send_sms"]


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ConfirmForm(StaffForm):
    """A button with its double-submit token (submit, approve, posted, taken down)."""


class TemplateForm(StaffForm):
    name = forms.CharField(label=_("Template name"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind of notice"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), max_length=800, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Placeholders: {date} {start} {end} {area}, filled in when a notice is drafted."))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class NoticeListForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=Notice.Status.choices)
    q = QueryText(label=_("Number, title or text"), max_length=50)
    date_from = forms.DateField(label=_("Posted from"), required=False, input_formats=["%Y-%m-%d"],
                                error_messages=DATE_ERRORS)
    date_to = forms.DateField(label=_("Posted until"), required=False, input_formats=["%Y-%m-%d"],
                              error_messages=DATE_ERRORS)
