"""Fields and small forms every frontdesk area uses: a date input, a room typed as at the counter, a reason."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm
from frontdesk.models import Unit
from frontdesk.selectors.search import room_code


class DateInput(forms.DateInput):
    input_type = "date"


def today():
    return timezone.localdate()


class UnitCodeField(forms.CharField):
    """A room typed as at the counter (3-2-1502 or 3栋2单元1502), resolved within the given units."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("Room"))
        kwargs.setdefault("help_text", _("e.g. 3-2-1502"))
        super().__init__(*args, **kwargs)
        self.units = Unit.objects.none()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code, _match = room_code(value)
        unit = self.units.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("No room %(code)s in your communities."), params={"code": value}, code="unknown_room")
        return unit


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
