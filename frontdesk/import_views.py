"""Import of rooms, owners/residents/tenants and vehicles from .xlsx/.csv.

upload (and ?template=<kind> for an empty template) → preview: a dry run of every row, nothing
written → confirm: all rows in one transaction, or none. The work is in ``frontdesk.imports``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from core.exports import XLSX
from core.forms import StaffForm, submit_once
from core.permissions import require

from . import imports, selectors

PREVIEW_PAGE_SIZE = 100


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
        communities = selectors.communities_for(user)
        self.fields["community"].queryset = communities
        self.fields["kind"].choices = imports.kinds_for(user)
        if not self.is_bound and "community" not in self.initial and len(communities) == 1:
            self.initial["community"] = communities[0].pk
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.extension = imports.check_upload(upload.name, upload.size)
        self.content = upload.read()
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned.get("file") and self.content:
            try:
                imports.read_sheet(self.content, self.extension, cleaned["kind"])
            except ValidationError as exc:
                self.add_error("file", exc)
        return cleaned


def _kind_help(user):
    return [{"value": value, "label": label, "columns": imports.COLUMNS[value]} for value, label in imports.kinds_for(user)]


@require("frontdesk.import")
def upload(request):
    if "template" in request.GET:
        return _template(request.GET["template"])
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in imports.Kind.values else {}
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)

    def perform(data):
        batch = imports.batch_create(community=data["community"], kind=data["kind"], name=data["file"].name,
                                     data=form.content, actor=request.user)
        return reverse("frontdesk:import_preview", args=[batch.id])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/import_upload.html", {
        "form": form, "kinds": _kind_help(request.user), "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES // 1024 // 1024,
    })


def _template(kind):
    if kind not in imports.Kind.values:
        raise Http404
    response = HttpResponse(imports.template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"import-{kind}.xlsx")
    return response


def _batch_or_404(request, batch_id):
    try:
        return imports.batch_get(batch_id=batch_id, user=request.user)
    except imports.BatchNotFound:
        raise Http404 from None


@require("frontdesk.import")
def preview(request, batch):
    batch = _batch_or_404(request, batch)
    context = {"batch": batch, "community": batch.community}
    if imports.batch_is_imported(batch):
        return render(request, "frontdesk/import_preview.html", {**context, "imported": True})
    result, checked_at = imports.batch_preview(batch=batch, actor=request.user, refresh=request.GET.get("recheck") == "1")
    if request.GET.get("recheck") == "1":
        return redirect("frontdesk:import_preview", batch=batch.id)
    show = request.GET.get("show") or ("errors" if result.error_count else "all")
    rows = result.error_rows if show == "errors" else result.rows
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontdesk/import_preview.html", {
        **context, "result": result, "checked_at": checked_at, "show": show, "page": page,
        "lines": [{"row": row, "cells": row.cells(result.columns)} for row in page],
    })


@require("frontdesk.import")
@require_POST
def confirm(request, batch):
    batch = _batch_or_404(request, batch)
    outcome = imports.batch_confirm(batch=batch, actor=request.user)
    if outcome.result is None:
        messages.info(request, _("This file has already been imported."))
        return redirect(outcome.url)
    result = outcome.result
    if not outcome.imported:
        messages.error(request, result.file_error or _(
            "Nothing was imported: %(count)s of %(total)s rows have errors. Correct the file and upload it again."
        ) % {"count": result.error_count, "total": result.total})
        return redirect("frontdesk:import_preview", batch=batch.id)
    messages.success(request, _("Imported %(total)s rows from %(file)s. %(summary)s")
                     % {"total": result.total, "file": batch.original_name, "summary": result.summary()})
    return redirect(outcome.url)
