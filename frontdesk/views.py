"""Views: permission → form → one service call → redirect. Objects come from scoped querysets (404 abroad)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from core import privacy
from core.audit import history_for
from core.exports import xlsx_response
from core.forms import submit_once
from core.pdf import pdf_response, render_pdf
from core.permissions import has_perm, require
from frontdesk.scoping import scope
from core.text import clean_text

from . import selectors, services
from .registry import move_out_warnings, unit_actions, unit_panels
from .forms import (AuthorizationForm, LinkUnitForm, MoveOutForm, OccupantForm, ParkingSpaceForm, PersonEditForm,
                    PersonForm, ReasonForm, UnitCreateForm, UnitEditForm, VehicleForm)
from .models import Occupancy, ParkingSpace, Person, TenantAuthorization, Unit, Vehicle

PAGE_SIZE = 50


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _wants_export(request):
    return request.GET.get("export") == "xlsx"


def _export_denied(request):
    return _wants_export(request) and not has_perm(request.user, "frontdesk.export")


# --- home and lookup ---

@require("account")
def home(request):
    from core.models import Notification

    recent = list(Notification.objects.filter(user=request.user)[:5])
    return render(request, "core/home.html", {"summary": selectors.desk_summary(user=request.user), "recent": recent})


# --- lookup --------------------------------------------------------------------------------------

@require("frontdesk.view")
def lookup(request):
    q = request.GET.get("q", "")
    result = selectors.lookup(user=request.user, q=q)
    context = {"result": result, "lookup_q": q, "unit_actions": unit_actions(request)}
    if request.htmx:
        return render(request, "frontdesk/partials/_lookup_results.html", context)
    total = len(result["units"]) + len(result["people"]) + len(result["vehicles"])
    if total == 1:  # one hit: go straight there, as the clerk would
        only = (result["units"] or result["people"] or result["vehicles"])[0]
        target = only.unit if isinstance(only, Vehicle) and only.unit_id else only
        if not isinstance(target, Vehicle):
            return redirect(target.get_absolute_url())
    return render(request, "frontdesk/lookup.html", context)


# --- units ---------------------------------------------------------------------------------------

@require("frontdesk.view")
def unit_list(request):
    if _export_denied(request):
        return HttpResponse(status=403)
    filters = {k: request.GET.get(k) or None for k in ("community", "building", "usage", "q")}
    qs = selectors.unit_list(user=request.user, **filters)
    if _wants_export(request):
        rows = ((u.community.name, u.code, u.label, u.floor, u.area, u.get_usage_display(),
                 "、".join(o.person.name for o in u.current_owners)) for u in qs.iterator(chunk_size=2000))
        return xlsx_response("units.xlsx", [_("Community"), _("Room code"), _("Room"), _("Floor"), _("Floor area (m²)"),
                                            _("Usage"), _("Owners")], rows)
    return render(request, "frontdesk/unit_list.html", {
        "page": _page(request, qs), "filters": filters, "usages": Unit.Usage.choices,
        "communities": selectors.communities_for(request.user),
        "buildings": selectors.buildings_for(request.user, filters["community"]),
    })


@require("frontdesk.view")
def unit_detail(request, pk):
    unit = selectors.unit_detail(user=request.user, pk=pk)
    current = [o for o in unit.all_occupancies if o.is_current]
    past = [o for o in unit.all_occupancies if not o.is_current]
    return render(request, "frontdesk/unit_detail.html", {
        "unit": unit, "current": current, "past": past, "panels": unit_panels(request, unit),
    })


@require("frontdesk.view")
def unit_history(request, pk):
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(unit)})


@require("frontdesk.view")
def unit_card_pdf(request, pk):
    unit = selectors.unit_detail(user=request.user, pk=pk)
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    current = [o for o in unit.all_occupancies if o.is_current]
    people = [{"occupancy": o, "phone": privacy.display(request.user, privacy.PHONE, o.person.phone),
               "id_number": privacy.mask_id_number(o.person.id_number)} for o in current]
    pdf = render_pdf(f"frontdesk/pdf/unit_card_{size}.html", {"unit": unit, "people": people, "user": request.user},
                     request=request)
    return pdf_response(pdf, f"unit-{unit.code}.pdf")


@require("frontdesk.structure")
def unit_create(request):
    buildings = selectors.buildings_for(request.user)
    form = UnitCreateForm(request.POST or None, buildings=buildings)

    def perform(data):
        building = data["building"]
        entrance = services.entrance_get_or_create(building=building, name=data["entrance"], actor=request.user)
        unit = services.unit_create(building=building, entrance=entrance, number=data["number"], area=data["area"],
                                    usage=data["usage"], floor=data["floor"], notes=data["notes"], actor=request.user)
        messages.success(request, _("Room %(room)s created.") % {"room": unit.label})
        return unit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("New room")})


@require("frontdesk.structure")
def unit_edit(request, pk):
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    initial = {"floor": unit.floor, "area": unit.area, "usage": unit.usage, "notes": unit.notes, "is_active": unit.is_active}
    form = UnitEditForm(request.POST or None, initial=initial)

    def perform(data):
        services.unit_update(unit=unit, floor=data["floor"], area=data["area"], usage=data["usage"], notes=data["notes"],
                             is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return unit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Edit %(room)s") % {"room": unit.label},
                                                   "back": unit.get_absolute_url()})


@require("frontdesk.edit")
def occupant_add(request, pk):
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    initial = {"kind": request.GET.get("kind", Occupancy.Kind.OWNER)}
    form = OccupantForm(request.POST or None, initial=initial)

    def perform(data):
        occupancy = services.occupant_add(unit=unit, kind=data["kind"], name=data["name"], id_type=data["id_type"],
                                          id_number=data["id_number"], phone=data["phone"], share=data["share"],
                                          relationship=data["relationship"], start_date=data["start_date"], actor=request.user)
        messages.success(request, _("%(name)s recorded as %(role)s.") % {"name": occupancy.person.name,
                                                                       "role": occupancy.get_kind_display()})
        form.tell_if_converted(request)
        return unit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Add a person to %(room)s") % {"room": unit.label},
                                                   "back": unit.get_absolute_url()})


@require("frontdesk.edit")
def occupancy_end(request, pk):
    occupancy = get_object_or_404(scope(Occupancy.objects.select_related("unit__building", "unit__entrance", "person"),
                                        request.user), pk=pk)
    warnings = move_out_warnings(occupancy.unit) if occupancy.kind == Occupancy.Kind.OWNER else []
    form = MoveOutForm(request.POST or None, warnings=warnings)

    def perform(data):
        services.occupancy_end(occupancy=occupancy, end_date=data["end_date"], reason=data["reason"], actor=request.user)
        messages.success(request, _("Move-out recorded for %(name)s.") % {"name": occupancy.person.name})
        return occupancy.unit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    title = _("Move-out: %(name)s, %(room)s") % {"name": occupancy.person.name, "room": occupancy.unit.label}
    return render(request, "frontdesk/form.html", {"form": form, "title": title, "warnings": warnings,
                                                   "back": occupancy.unit.get_absolute_url()})


@require("frontdesk.edit")
def authorization_create(request, pk):
    tenancy = get_object_or_404(scope(Occupancy.objects.select_related("unit__building", "unit__entrance", "person"),
                                      request.user), pk=pk, kind=Occupancy.Kind.TENANT, end_date__isnull=True)
    owners = Person.objects.filter(occupancies__unit=tenancy.unit, occupancies__kind=Occupancy.Kind.OWNER,
                                   occupancies__end_date__isnull=True).distinct()
    form = AuthorizationForm(request.POST or None, owners=owners)

    def perform(data):
        services.authorization_grant(tenancy=tenancy, owner=data["owner"], valid_from=data["valid_from"],
                                     valid_to=data["valid_to"], scopes=data["scopes"], document_ref=data["document_ref"],
                                     actor=request.user)
        messages.success(request, _("Authorisation recorded."))
        return tenancy.unit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    title = _("Owner's authorisation for tenant %(name)s") % {"name": tenancy.person.name}
    return render(request, "frontdesk/form.html", {"form": form, "title": title, "back": tenancy.unit.get_absolute_url()})


@require("frontdesk.edit")
def authorization_revoke(request, pk):
    authorization = get_object_or_404(scope(TenantAuthorization.objects.select_related("tenancy__unit__building",
                                                                                       "tenancy__unit__entrance"),
                                            request.user), pk=pk)
    form = ReasonForm(request.POST or None)
    back = authorization.tenancy.unit.get_absolute_url()

    def perform(data):
        services.authorization_revoke(authorization=authorization, reason=data["reason"], actor=request.user)
        messages.success(request, _("Authorisation revoked."))
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Revoke authorisation"), "back": back})


# --- people --------------------------------------------------------------------------------------

@require("frontdesk.view")
def person_list(request):
    if _export_denied(request):
        return HttpResponse(status=403)
    filters = {k: request.GET.get(k) or None for k in ("community", "kind", "q")}
    qs = selectors.person_list(user=request.user, **filters)
    if _wants_export(request):
        user = request.user
        rows = ((p.community.name, p.name, privacy.display(user, privacy.PHONE, p.phone), p.get_id_type_display(),
                 privacy.mask_id_number(p.id_number),
                 "、".join(f"{o.unit.label}({o.get_kind_display()})" for o in p.current_occupancies))
                for p in qs.iterator(chunk_size=2000))
        return xlsx_response("people.xlsx", [_("Community"), _("Name"), _("Phone"), _("ID document"), _("ID number"),
                                             _("Rooms")], rows)
    return render(request, "frontdesk/person_list.html", {
        "page": _page(request, qs), "filters": filters, "kinds": Occupancy.Kind.choices,
        "communities": selectors.communities_for(request.user),
    })


@require("frontdesk.view")
def person_detail(request, pk):
    person = selectors.person_detail(user=request.user, pk=pk)
    return render(request, "frontdesk/person_detail.html", {"person": person})


@require("frontdesk.view")
def person_history(request, pk):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(person)})


REVEALABLE = {"phone": privacy.PHONE, "phone_alt": privacy.PHONE, "id_number": privacy.ID_NUMBER}


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
    return HttpResponse(format_html('<span class="sensitive revealed">{}</span>', value))


@require("frontdesk.edit")
def person_create(request):
    form = PersonForm(request.POST or None, communities=selectors.communities_for(request.user))

    def perform(data):
        person = services.person_create(community=data["community"], name=data["name"], id_type=data["id_type"],
                                        id_number=data["id_number"], phone=data["phone"], phone_alt=data["phone_alt"],
                                        email=data["email"], notes=data["notes"], actor=request.user)
        messages.success(request, _("%(name)s added to the archive.") % {"name": person.name})
        form.tell_if_converted(request)
        return person.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("New person")})


@require("frontdesk.edit")
def person_edit(request, pk):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    fields = ("name", "id_type", "id_number", "phone", "phone_alt", "email", "notes")
    form = PersonEditForm(request.POST or None, initial={f: getattr(person, f) for f in fields}, communities=None)

    def perform(data):
        services.person_update(person=person, actor=request.user, **{f: data[f] for f in fields})
        messages.success(request, _("Saved."))
        form.tell_if_converted(request)
        return person.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": person.name},
                                                   "back": person.get_absolute_url()})


@require("frontdesk.edit")
def person_link_unit(request, pk):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    form = LinkUnitForm(request.POST or None, units=selectors.units_for(request.user).filter(community=person.community))

    def perform(data):
        services.occupancy_start(unit=data["unit"], person=person, kind=data["kind"], share=data["share"],
                                 relationship=data["relationship"], start_date=data["start_date"], actor=request.user)
        messages.success(request, _("Saved."))
        return person.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Link %(name)s to a room") % {"name": person.name},
                                                   "back": person.get_absolute_url()})


# --- vehicles and parking ------------------------------------------------------------------------

@require("frontdesk.view")
def vehicle_list(request):
    if _export_denied(request):
        return HttpResponse(status=403)
    filters = {"community": request.GET.get("community") or None, "q": request.GET.get("q") or None}
    active = request.GET.get("active", "1") != "0"
    new_energy = {"1": True, "0": False}.get(request.GET.get("new_energy", ""))
    qs = selectors.vehicle_list(user=request.user, active=active, new_energy=new_energy, **filters)
    if _wants_export(request):
        rows = ((v.community.name, v.plate, _("Yes") if v.is_new_energy else _("No"), v.unit.label if v.unit else "",
                 v.owner.name if v.owner else "", v.description) for v in qs.iterator(chunk_size=2000))
        return xlsx_response("vehicles.xlsx", [_("Community"), _("Plate"), _("New-energy vehicle"), _("Room"), pgettext("vehicle", "Owner"),
                                               _("Make, model and colour")], rows)
    return render(request, "frontdesk/vehicle_list.html", {
        "page": _page(request, qs), "filters": filters, "active": active, "new_energy": request.GET.get("new_energy", ""),
        "communities": selectors.communities_for(request.user),
    })


def _unit_people(unit):
    return Person.objects.filter(occupancies__unit=unit, occupancies__end_date__isnull=True).distinct().order_by("name")


@require("frontdesk.edit")
def vehicle_create(request, pk):
    unit = get_object_or_404(selectors.units_for(request.user), pk=pk)
    form = VehicleForm(request.POST or None, people=_unit_people(unit))

    def perform(data):
        vehicle = services.vehicle_register(community=unit.community, plate=data["plate"], unit=unit, owner=data["owner"],
                                            description=data["description"], actor=request.user)
        messages.success(request, _("Vehicle %(plate)s registered.") % {"plate": vehicle.plate})
        return unit.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Register a vehicle for %(room)s") % {"room": unit.label},
                                                   "back": unit.get_absolute_url()})


def _vehicle(request, pk):
    return get_object_or_404(selectors.vehicles_for(request.user), pk=pk)


@require("frontdesk.edit")
def vehicle_edit(request, pk):
    vehicle = _vehicle(request, pk)
    people = _unit_people(vehicle.unit) if vehicle.unit_id else Person.objects.filter(pk=vehicle.owner_id)
    initial = {"plate": vehicle.plate, "owner": vehicle.owner_id, "description": vehicle.description}
    form = VehicleForm(request.POST or None, initial=initial, people=people)
    back = vehicle.unit.get_absolute_url() if vehicle.unit_id else reverse("frontdesk:vehicle_list")

    def perform(data):
        services.vehicle_update(vehicle=vehicle, plate=data["plate"], unit=vehicle.unit, owner=data["owner"],
                                description=data["description"], actor=request.user)
        messages.success(request, _("Saved."))
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Edit vehicle %(plate)s") % {"plate": vehicle.plate},
                                                   "back": back})


@require("frontdesk.edit")
def vehicle_remove(request, pk):
    vehicle = _vehicle(request, pk)
    form = ReasonForm(request.POST or None)
    back = vehicle.unit.get_absolute_url() if vehicle.unit_id else reverse("frontdesk:vehicle_list")

    def perform(data):
        services.vehicle_deactivate(vehicle=vehicle, reason=data["reason"], actor=request.user)
        messages.success(request, _("Vehicle %(plate)s removed; its record is kept.") % {"plate": vehicle.plate})
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/form.html", {"form": form, "title": _("Remove vehicle %(plate)s") % {"plate": vehicle.plate},
                                                   "back": back})


@require("frontdesk.view")
def parking_list(request):
    qs = scope(ParkingSpace.objects.select_related("community", "unit__building", "unit__entrance", "vehicle"), request.user)
    if request.GET.get("q"):
        qs = qs.filter(code__icontains=request.GET["q"].strip())
    return render(request, "frontdesk/parking_list.html", {"page": _page(request, qs.order_by("community__name", "code")),
                                                           "q": request.GET.get("q", "")})


@require("frontdesk.edit")
def parking_edit(request, pk=None):
    space = get_object_or_404(scope(ParkingSpace.objects.select_related("unit", "vehicle"), request.user), pk=pk) if pk else None
    initial = {}
    if space:
        initial = {"community": space.community_id, "code": space.code, "kind": space.kind,
                   "unit": space.unit.code if space.unit_id else "",
                   "plate": space.vehicle.plate if space.vehicle_id else "", "notes": space.notes}
    form = ParkingSpaceForm(request.POST or None, initial=initial, communities=selectors.communities_for(request.user),
                            units=selectors.units_for(request.user), fixed_community=space is not None)
    back = reverse("frontdesk:parking_list")

    def perform(data):
        community = space.community if space else data["community"]
        if data["unit"] and data["unit"].community_id != community.pk:
            raise ValidationError({"unit": _("This room belongs to another community.")})
        vehicle = None
        if data["plate"]:
            vehicle = selectors.vehicles_for(request.user).filter(
                community=community, is_active=True, plate=data["plate"].upper().replace(" ", "")).first()
            if vehicle is None:
                raise ValidationError({"plate": _("No registered vehicle with this plate.")})
        services.parking_space_save(community=community, code=data["code"], kind=data["kind"], unit=data["unit"],
                                    vehicle=vehicle, notes=data["notes"], space=space, actor=request.user)
        messages.success(request, _("Saved."))
        return back

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    title = _("Parking space %(code)s") % {"code": space.code} if space else _("New parking space")
    return render(request, "frontdesk/form.html", {"form": form, "title": title, "back": back})
