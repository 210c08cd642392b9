"""The import upload: community, kind and file, the file read in full before it is accepted."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from core.forms import StaffForm
from frontdesk.imports.columns import kinds_for
from frontdesk.imports.files import check_upload, read_sheet
from frontdesk.scoping import communities_of


class ImportUploadForm(StaffForm):
    community = forms.ModelChoiceField(label=gettext_lazy("Community"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("The file contains"), choices=())
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("Excel (.xlsx) or CSV (.csv), at most 5 MB and 5,000 rows; the first sheet is read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = communities_of(user)
        self.fields["community"].queryset = communities
        self.fields["kind"].choices = kinds_for(user)
        if not self.is_bound and "community" not in self.initial and len(communities) == 1:
            self.initial["community"] = communities[0].pk
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.extension = check_upload(upload.name, upload.size)
        self.content = upload.read()
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned.get("file") and self.content:
            try:
                read_sheet(self.content, self.extension, cleaned["kind"])
            except ValidationError as exc:
                self.add_error("file", exc)
        return cleaned
