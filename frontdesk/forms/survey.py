"""Satisfaction survey forms: a new survey, its coverage target, a question, closing it, a room's answer set
(one score 1–5 and a remark per question); the list's and the survey page's query strings."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryId, QueryText, StaffForm
from frontdesk.models import Survey, SurveyArea, SurveyResponse

SCORES = [("5", _("5 Very satisfied")), ("4", _("4 Satisfied")), ("3", _("3 Neutral")),
          ("2", _("2 Dissatisfied")), ("1", _("1 Very dissatisfied"))]
TARGET = {"min_value": Decimal("0.01"), "max_value": Decimal(100), "max_digits": 5, "decimal_places": 2}


class SurveyCreateForm(StaffForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("Half-year"), choices=Survey.Half.choices, coerce=int)
    coverage_target = forms.DecimalField(label=_("Coverage target (%)"), initial=Decimal(30),
                                         help_text=_("Share of occupied rooms to survey."), **TARGET)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class SurveyTargetForm(StaffForm):
    coverage_target = forms.DecimalField(label=_("Coverage target (%)"),
                                         help_text=_("Share of occupied rooms to survey."), **TARGET)


class QuestionForm(StaffForm):
    area = forms.ChoiceField(label=_("Service area"), choices=SurveyArea.choices)
    text = forms.CharField(label=_("Question"), max_length=200)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=9999, initial=100)
    is_active = forms.BooleanField(label=_("Asked in this survey"), required=False, initial=True)


class SurveyCloseForm(StaffForm):
    note = forms.CharField(label=_("Closing note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ResponseForm(StaffForm):
    """One room's answer set: who answered, how it was collected, then a score and a remark per question.
    Build it with ``response_form()``: the questions' fields are declared on a subclass, so ``StaffForm``
    cleans them like any other (invisible characters, the too-long message at the field)."""

    respondent = forms.ModelChoiceField(label=_("Respondent"), queryset=None, empty_label=None,
                                        error_messages={"invalid_choice": _("Choose one of the room's current occupants.")})
    channel = forms.ChoiceField(label=_("How it was collected"), choices=SurveyResponse.Channel.choices)

    def __init__(self, *args, occupants, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = occupants
        self.questions = questions

    def clean(self):
        data = super().clean()
        if self.questions and not any(data.get(f"score_{q.pk}") for q in self.questions):
            raise forms.ValidationError(_("Give a score to at least one question."))
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        return {q.pk: (data.get(f"score_{q.pk}") or None, data.get(f"comment_{q.pk}", "")) for q in self.questions}

    def rows(self):
        """(question, score field, remark field) for the template."""
        return [(q, self[f"score_{q.pk}"], self[f"comment_{q.pk}"]) for q in self.questions]


def response_form(data=None, *, occupants, questions, initial=None) -> ResponseForm:
    """The answer form for ``questions`` (a score 1–5 or none, and a remark each; general remarks last)."""
    fields = {}
    for q in questions:
        fields[f"score_{q.pk}"] = forms.ChoiceField(label=q.text, choices=[("", _("Not answered")), *SCORES],
                                                   required=False)
        fields[f"comment_{q.pk}"] = forms.CharField(label=_("Remark"), max_length=500, required=False)
    fields["comment"] = forms.CharField(label=_("General remarks"), max_length=1000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    form_class = type("QuestionsResponseForm", (ResponseForm,), fields)
    return form_class(data, occupants=occupants, questions=questions, initial=initial)


class SurveyListForm(ListForm):
    community = QueryId(label=_("Community"))


class SurveyPageForm(ListForm):
    """The survey page's query string: the room to record for, and the answer sets' building filter."""

    room = QueryText(label=_("Room"), max_length=40)
    building = QueryId(label=_("Building"))
