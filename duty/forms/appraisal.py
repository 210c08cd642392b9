"""The monthly appraisal's choice of community and month: validation and layout only."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import month_start
from core.forms import MonthField


def _this_month() -> datetime.date:
    return month_start(timezone.localdate())


class AppraisalForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=None)
    month = MonthField(label=_("Month"))

    def __init__(self, data=None, *, communities, **kwargs):
        # An empty query string means "the defaults": the first community, this month.
        if data is not None and not any(data.get(k) for k in ("community", "month")):
            data = None
        elif data is not None and not data.get("community") and communities.exists():
            data = data.copy()  # only a month asked: the first community, as with nothing asked
            data["community"] = str(communities.first().pk)
        super().__init__(data, **kwargs)
        self.fields["community"].queryset = communities
        self.default_community = None
        if not self.is_bound:
            self.default_community = communities.first()
            self.initial.update({"community": self.default_community.pk if self.default_community else None,
                                 "month": _this_month()})

    def selection(self):
        """(community, month) chosen, or the defaults when nothing valid was asked for."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["community"], self.cleaned_data["month"]
        if self.is_bound:
            return None, None
        return self.default_community, _this_month()
