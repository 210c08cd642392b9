"""Import of rooms, owners/residents/tenants and vehicles from .xlsx/.csv.

upload (and ?template=<kind> for an empty template) → preview: a dry run of every row, nothing
written → confirm: all rows in one transaction, or none. The work is in ``frontdesk.imports``.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import XLSX
from core.forms import submit_once
from core.paging import paginate
from core.permissions import require
from frontdesk.forms.imports import ImportUploadForm
from frontdesk.imports import pipeline
from frontdesk.imports.batches import BatchNotFound, batch_create, batch_get
from frontdesk.imports.columns import COLUMNS, Kind, kinds_for
from frontdesk.imports.files import MAX_BYTES, MAX_ROWS, template_workbook

PREVIEW_PAGE_SIZE = 100


def _kind_help(user):
    return [{"value": value, "label": label, "columns": COLUMNS[value]} for value, label in kinds_for(user)]


@require("frontdesk.import")
def upload(request):
    if request.GET.get("template") in Kind.values:  # anything else: the page itself
        return _template(request.GET["template"])
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in Kind.values else {}
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)

    def perform(data):
        batch = batch_create(community=data["community"], kind=data["kind"], name=data["file"].name,
                             data=form.content, actor=request.user)
        return reverse("frontdesk:import_preview", args=[batch.id])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/import_upload.html", {
        "form": form, "kinds": _kind_help(request.user), "max_rows": MAX_ROWS, "max_mb": MAX_BYTES // 1024 // 1024,
    })


def _template(kind):
    if kind not in Kind.values:
        raise Http404
    response = HttpResponse(template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"import-{kind}.xlsx")
    return response


def _batch_or_404(request, batch_id):
    try:
        return batch_get(batch_id=batch_id, user=request.user)
    except BatchNotFound:
        raise Http404 from None


@require("frontdesk.import")
def preview(request, batch):
    batch = _batch_or_404(request, batch)
    context = {"batch": batch, "community": batch.community}
    if pipeline.batch_is_imported(batch):
        return render(request, "frontdesk/import_preview.html", {**context, "imported": True})
    result, checked_at = pipeline.batch_preview(batch=batch, actor=request.user,
                                                refresh=request.GET.get("recheck") == "1")
    if request.GET.get("recheck") == "1":
        return redirect("frontdesk:import_preview", batch=batch.id)
    show = request.GET.get("show") or ("errors" if result.error_count else "all")
    rows = result.error_rows if show == "errors" else result.rows
    page = paginate(request, rows, PREVIEW_PAGE_SIZE)
    return render(request, "frontdesk/import_preview.html", {
        **context, "result": result, "checked_at": checked_at, "show": show, "page": page,
        "lines": [{"row": row, "cells": row.cells(result.columns)} for row in page],
    })


@require("frontdesk.import")
@require_POST
def confirm(request, batch):
    batch = _batch_or_404(request, batch)
    outcome = pipeline.batch_confirm(batch=batch, actor=request.user)
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
