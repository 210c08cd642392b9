"""Key custody 钥匙托管: the register (and its export), the overdue list, a key's page, deposit an owner's key,
register a public key, sign out / in, return to the owner, report lost."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import privacy
from core.dates import day_bounds
from core.exports import xlsx_response
from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.permissions import has_perm, require
from frontdesk.forms.keys import (
    KeyDepositForm,
    KeyFilterForm,
    KeyLostForm,
    KeyOverdueForm,
    KeyReturnForm,
    KeySignInForm,
    KeySignOutForm,
    PublicKeyForm,
)
from frontdesk.models import Key, Person
from frontdesk.scoping import choose_community, communities_of, community_ids
from frontdesk.selectors import keys as selectors
from frontdesk.selectors.units import units_for
from frontdesk.services import keys as services

PAGE_SIZE = 50
CHUNK = 2000


def _form(request, form, perform, *, title, key=None, unit=None, back=None):
    """A key form page: on POST ``perform`` once (``submit_once``); otherwise the form with what was typed."""
    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/keys/form.html", {"form": form, "title": title, "key": key, "unit": unit,
                                                         "back": back or (key.get_absolute_url() if key else "")})


@list_params(KeyFilterForm)
@require("keys.view")
def key_list(request):
    export = request.GET.get("export") == "xlsx"
    if export and not has_perm(request.user, "keys.export"):
        return HttpResponse(status=403)
    values = list_filters(request, KeyFilterForm)
    filters = {"community": values["community"], "status": values["status"], "kind": values["kind"],
               "unit": values["unit"], "q": values["q"], "overdue": values["overdue"] == "1",
               "held_on": values["held_on"]}
    qs = selectors.key_list(user=request.user, **filters)
    if export:
        return _xlsx(request.user, qs)
    unit = None
    if values["unit"]:
        unit = units_for(request.user).select_related("building", "entrance").filter(pk=values["unit"]).first()
    return render(request, "frontdesk/keys/list.html", {
        "page": paginate(request, qs, PAGE_SIZE), "filters": filters, "unit": unit, "now": timezone.now(),
        "communities": communities_of(request.user), "statuses": Key.Status.choices, "kinds": Key.Kind.choices,
    })


@list_params(KeyOverdueForm)
@require("keys.view")
def key_overdue(request):
    filters = list_filters(request, KeyOverdueForm)
    choice = choose_community(request, all_allowed=True)
    now = timezone.now()
    end = day_bounds(filters["on"])[1] if filters["on"] else None
    if end is not None and end <= now:  # a day that is over: the keys overdue at its end (the summary's drill-down)
        return render(request, "frontdesk/keys/overdue.html", {
            "keys": selectors.overdue_keys_then(choice.ids, end), "choice": choice, "now": end, "on": filters["on"]})
    return render(request, "frontdesk/keys/overdue.html", {
        "keys": list(selectors.overdue_keys(choice.ids, now)), "choice": choice, "now": now,
    })


@require("keys.view")
def key_detail(request, pk):
    key = selectors.key_detail(user=request.user, pk=pk)
    return render(request, "frontdesk/keys/detail.html", {
        "key": key, "movements": selectors.key_movements(key), "moves": key.allowed_moves(), "now": timezone.now(),
    })


@require("keys.manage")
def key_deposit(request, pk):
    unit = get_object_or_404(units_for(request.user).select_related("community", "building", "entrance"), pk=pk)
    form = KeyDepositForm(request.POST or None, owners=selectors.current_owners(unit))

    def perform(data):
        key = services.key_deposit(unit=unit, depositor=data["depositor"], purpose=data["purpose"],
                                   consent_ref=data["consent_ref"], tag_no=data["tag_no"], opens=data["opens"],
                                   envelope_no=data["envelope_no"], quantity=data["quantity"], notes=data["notes"],
                                   actor=request.user)
        messages.success(request, _("Key %(tag)s deposited for %(room)s.") % {"tag": key.tag_no, "room": unit.label})
        return key.get_absolute_url()

    return _form(request, form, perform, unit=unit, back=unit.get_absolute_url(),
                 title=_("Deposit a key for %(room)s") % {"room": unit.label})


@require("keys.manage")
def key_public_create(request):
    ids = community_ids(request.user)
    form = PublicKeyForm(request.POST or None, communities=communities_of(request.user),
                         initial={"community": ids[0] if ids else None})

    def perform(data):
        key = services.key_register_public(community=data["community"], tag_no=data["tag_no"], opens=data["opens"],
                                           quantity=data["quantity"], notes=data["notes"], actor=request.user)
        messages.success(request, _("Public key %(tag)s registered.") % {"tag": key.tag_no})
        return key.get_absolute_url()

    return _form(request, form, perform, title=_("Register a public key"), back=reverse("frontdesk:key_list"))


@require("keys.manage")
def key_sign_out(request, pk):
    key = selectors.key_detail(user=request.user, pk=pk)
    form = KeySignOutForm(request.POST or None, staff=selectors.staff_choices(key.community_id))

    def perform(data):
        services.key_sign_out(key=key, taker_kind=data["taker_kind"], staff=data["staff"], name=data["name"],
                              company=data["company"], id_type=data["id_type"], id_number=data["id_number"],
                              phone=data["phone"], reason=data["reason"], due_back_at=data["due_back_at"],
                              actor=request.user)
        messages.success(request, _("Key %(tag)s signed out.") % {"tag": key.tag_no})
        return key.get_absolute_url()

    return _form(request, form, perform, key=key, title=_("Sign out key %(tag)s") % {"tag": key.tag_no})


@require("keys.manage")
def key_sign_in(request, pk):
    key = selectors.key_detail(user=request.user, pk=pk)
    initial = {"returned_by_name": key.out_movement.taker_label if key.out_movement_id else ""}
    form = KeySignInForm(request.POST or None, initial=initial)

    def perform(data):
        services.key_sign_in(key=key, returned_by_name=data["returned_by_name"], note=data["note"], actor=request.user)
        messages.success(request, _("Key %(tag)s is back in the key cabinet.") % {"tag": key.tag_no})
        return key.get_absolute_url()

    return _form(request, form, perform, key=key, title=_("Sign in key %(tag)s") % {"tag": key.tag_no})


@require("keys.manage")
def key_return(request, pk):
    key = selectors.key_detail(user=request.user, pk=pk)
    owners = selectors.current_owners(key.unit) if key.unit_id else Person.objects.none()
    form = KeyReturnForm(request.POST or None, owners=owners, initial={"person": key.depositor_id})

    def perform(data):
        services.key_return_to_owner(key=key, person=data["person"], id_checked=data["id_checked"],
                                     signed=data["signed"], note=data["note"], actor=request.user)
        messages.success(request, _("Key %(tag)s returned to the owner; its record is kept.") % {"tag": key.tag_no})
        return key.get_absolute_url()

    return _form(request, form, perform, key=key, title=_("Return key %(tag)s to the owner") % {"tag": key.tag_no})


@require("keys.manage")
def key_lost(request, pk):
    key = selectors.key_detail(user=request.user, pk=pk)
    form = KeyLostForm(request.POST or None)

    def perform(data):
        services.key_report_lost(key=key, reason=data["reason"], actor=request.user)
        messages.warning(request, _("Key %(tag)s recorded as lost.") % {"tag": key.tag_no})
        return key.get_absolute_url()

    return _form(request, form, perform, key=key, title=_("Report key %(tag)s lost") % {"tag": key.tag_no})


def _xlsx(user, keys):
    def holder(key):
        move = key.out_movement
        if move is None:
            return "", "", ""
        return (move.taker_label, privacy.display(user, privacy.PHONE, move.taker_phone),
                privacy.mask_id_number(move.taker_id_number))

    def local(value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""

    rows = ((k.community.name, k.tag_no, k.get_kind_display(), k.unit.label if k.unit_id else "", k.opens, k.quantity,
             k.envelope_no, k.get_purpose_display() if k.purpose else "", k.depositor.name if k.depositor_id else "",
             k.consent_ref, k.get_status_display(), *holder(k), local(k.due_back_at), local(k.created_at))
            for k in keys.iterator(chunk_size=CHUNK))
    return xlsx_response("keys.xlsx", [
        _("Community"), _("Key tag number"), _("Kind of key"), _("Room"), _("What the key opens"), _("Number of keys"),
        _("Sealed envelope number"), _("Deposited for"), _("Depositing owner"), _("Written consent reference"),
        _("Status"), _("Held by"), _("Phone"), _("ID number"), _("Expected return"), _("Deposited at")], rows)
