"""People in the archive: the list (and its export), the person page, its history, the logged "show"
of personal data, and create, edit, link to a room."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import privacy
from core.audit import history_for
from core.exports import export_response
from core.forms import list_filters, list_params
from core.paging import paginate
from core.permissions import require
from core.text import clean_text
from frontdesk.forms.people import LinkUnitForm, PersonEditForm, PersonFilterForm, PersonForm
from frontdesk.models import Occupancy
from frontdesk.scoping import communities_of
from frontdesk.selectors import people as selectors
from frontdesk.selectors.units import units_for
from frontdesk.services import occupancies, people

from . import exports
from .common import form_page

PAGE_SIZE = 50
REVEALABLE = {"phone": privacy.PHONE, "phone_alt": privacy.PHONE, "id_number": privacy.ID_NUMBER}


@list_params(PersonFilterForm)
@require("frontdesk.view")
def person_list(request):
    if refused := exports.refusal(request):
        return refused
    if exports.wants_export(request):
        return export_response(request, "frontdesk.people")
    filters = {k: v or None for k, v in list_filters(request, PersonFilterForm).items()}
    qs = selectors.person_list(user=request.user, **filters)
    return render(request, "frontdesk/person_list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "kinds": Occupancy.Kind.choices,
        "communities": communities_of(request.user),
    })


@require("frontdesk.view")
def person_detail(request, pk):
    person = selectors.person_detail(user=request.user, pk=pk)
    return render(request, "frontdesk/person_detail.html", {"person": person})


@require("frontdesk.view")
def person_history(request, pk):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(person, user=request.user)})


@require("frontdesk.view")
@require_POST
def person_reveal(request, pk, field):
    """The logged "show" action: who, when, which record and why."""
    kind = REVEALABLE.get(field)
    if kind is None:
        return HttpResponseBadRequest()
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    if not privacy.may_reveal(request.user, kind):
        return HttpResponse(status=403)
    reason = clean_text((request.htmx.prompt if request.htmx else None) or request.POST.get("reason", ""))
    if len(reason) < 2:
        return HttpResponse(format_html('<span class="sensitive text-danger">{}</span>',
                                        _("A reason is required to view this.")))
    value = privacy.reveal_log(user=request.user, record=person, field=field, kind=kind, reason=reason,
                               ip_address=request.META.get("REMOTE_ADDR"))
    return HttpResponse(privacy.shown_in_full(value, kind))


@require("frontdesk.edit")
def person_create(request):
    form = PersonForm(request.POST or None, communities=communities_of(request.user))

    def perform(data):
        person = people.person_create(community=data["community"], name=data["name"], id_type=data["id_type"],
                                      id_number=data["id_number"], phone=data["phone"], phone_alt=data["phone_alt"],
                                      email=data["email"], notes=data["notes"], actor=request.user)
        messages.success(request, _("%(name)s added to the archive.") % {"name": person.name})
        form.tell_if_converted(request)
        return person.get_absolute_url()

    return form_page(request, form, perform, title=_("New person"))


@require("frontdesk.edit")
def person_edit(request, pk):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    fields = people.PERSON_FIELDS
    form = PersonEditForm(request.POST or None, initial={f: getattr(person, f) for f in fields}, communities=None)

    def perform(data):
        people.person_update(person=person, actor=request.user, **{f: data[f] for f in fields})
        messages.success(request, _("Saved."))
        form.tell_if_converted(request)
        return person.get_absolute_url()

    return form_page(request, form, perform, title=_("Edit %(name)s") % {"name": person.name},
                     back=person.get_absolute_url())


@require("frontdesk.edit")
def person_link_unit(request, pk):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    form = LinkUnitForm(request.POST or None, units=units_for(request.user).filter(community=person.community))

    def perform(data):
        occupancies.occupancy_start(unit=data["unit"], person=person, kind=data["kind"], share=data["share"],
                                    relationship=data["relationship"], start_date=data["start_date"], actor=request.user)
        messages.success(request, _("Saved."))
        return person.get_absolute_url()

    return form_page(request, form, perform, title=_("Link %(name)s to a room") % {"name": person.name},
                     back=person.get_absolute_url())
