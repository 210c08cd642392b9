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
        """The one unit typed. The same code in several of the user's communities is not guessed: the clerk is
        asked to put the community's name before it (锦绣家园 3-2-1502), which is understood too."""
        value = super().clean(value)
        if not value:
            return None
        code, _match = room_code(value)
        found = list(self.units.filter(code=code).select_related("community")[:10])
        community, _space, rest = value.strip().partition(" ")
        if not found and rest.strip():
            found = list(self.units.filter(code=room_code(rest.strip())[0], community__name=community)
                         .select_related("community")[:10])
        if not found:
            raise ValidationError(_("No room %(code)s in your communities."), params={"code": value}, code="unknown_room")
        if len(found) > 1:
            names = sorted({unit.community.name for unit in found})
            raise ValidationError(
                _("Room %(code)s is in more than one community (%(names)s): type the community's name before it, "
                  "e.g. “%(example)s”."),
                params={"code": value, "names": "、".join(names), "example": f"{names[0]} {value.strip()}"},
                code="ambiguous_room")
        return found[0]


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)
