"""Hot-work permits: the application, the reviews, the manager's decision, withdrawal, close-out, the list's query."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.forms.common import DateInput, UnitCodeField, today
from frontdesk.validators import clean_phone

from ..models import HotWorkPermit

ACCEPT = "application/pdf,image/jpeg,image/png"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class RoomForm(StaffForm):
    """Which room: the page's first step when it was not opened from the room."""

    room = UnitCodeField()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].units = units


class HotWorkForm(StaffForm):
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=HotWorkPermit.ApplicantKind.choices,
                                       help_text=_("Only the owner or the renovation lead may apply."))
    location = forms.CharField(label=_("Location of the hot work"), max_length=200,
                               help_text=_("e.g. kitchen, balcony railing"))
    work = forms.CharField(label=_("Work to be done"), max_length=200, help_text=_("e.g. welding the balcony railing"))
    work_date = forms.DateField(label=_("Date"), initial=today, widget=DateInput)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput)
    end_time = forms.TimeField(label=_("To"), widget=TimeInput)
    welder_name = forms.CharField(label=_("Welder"), max_length=50)
    welder_certificate_no = forms.CharField(label=_("Welder's certificate no."), max_length=50)
    certificate = forms.FileField(label=_("Welder's certificate copy"), help_text=_("PDF, JPEG or PNG, up to 10 MB."),
                                  widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    id_copy = forms.FileField(label=_("Welder's ID card copy"), help_text=_("PDF, JPEG or PNG, up to 10 MB."),
                              widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    fire_watcher_name = forms.CharField(label=_("Fire watcher"), max_length=50)
    fire_watcher_phone = forms.CharField(label=_("Fire watcher's phone"), max_length=20)
    extinguishers_checked = forms.BooleanField(label=_("Extinguishers on site checked"), required=False)
    extinguisher_count = forms.IntegerField(label=_("Number of extinguishers"), min_value=1, max_value=50)

    def clean_fire_watcher_phone(self):
        return clean_phone(self.cleaned_data["fire_watcher_phone"])

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The window must end after it starts."))
        if not data.get("extinguishers_checked"):
            self.add_error("extinguishers_checked", _("Check the extinguishers on site first."))
        return data


class ReviewForm(StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("pass", _("Passed")), ("refuse", _("Refused"))])
    comments = forms.CharField(label=_("Comments"), max_length=500, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


class ApprovalForm(StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve and issue the permit")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason (when rejecting)"), max_length=500, required=False)


class CloseOutForm(StaffForm):
    site_safe = forms.BooleanField(label=_("Site checked: no embers, power off, extinguishers back, area clean"),
                                   required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HotWorkFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=HotWorkPermit.Status.choices)
    day = forms.DateField(label=_("Date"), required=False)
    q = QueryText(label=_("Search"), max_length=50)
