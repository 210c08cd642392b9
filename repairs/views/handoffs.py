"""Utility hand-offs 代办开通 at the desk: filing (from the room), e-mailing the application to the provider,
the provider's answer, the application PDF and the ID copy (scoped, logged); the providers' set-up for
supervisors and managers. Each view: permission → form → one service call → redirect or render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import privacy
from core.forms import submit_once
from core.media import file_response
from core.pdf import pdf_response
from core.permissions import require
from frontdesk.scoping import choose_community

from ..documents import handoff_pdf as render_handoff_pdf
from ..forms.handoffs import (
    FeeForm,
    ForwardForm,
    HandoffForm,
    ProviderForm,
    ReplyForm,
    RoomForm,
    ServiceEditForm,
    ServiceForm,
)
from ..selectors import handoffs as selectors
from ..selectors.tickets import units_for
from ..services import handoffs as services


@require("repairs.handoff")
def handoff_create(request):
    """The hand-off form for a room (``?unit=`` from the lookup or the unit page); without one, the room first."""
    unit_pk = request.GET.get("unit") or request.POST.get("unit")
    if not (unit_pk and str(unit_pk).isdecimal() and len(str(unit_pk)) <= 18):
        room_form = RoomForm(request.GET if "room" in request.GET else None, units=units_for(request.user))
        if room_form.is_bound and room_form.is_valid():
            return redirect(f"{reverse('repairs:handoff_create')}?unit={room_form.cleaned_data['room'].pk}")
        return render(request, "repairs/handoff_room.html", {"form": room_form})
    unit = get_object_or_404(units_for(request.user), pk=int(unit_pk))
    choices = selectors.filing_choices(unit=unit)
    owners = list(choices["owners"][:2])
    form = HandoffForm(request.POST or None, request.FILES or None,
                       initial={"owner": owners[0] if len(owners) == 1 else None}, **choices)

    def perform(data):
        ticket = services.handoff_file(
            unit=unit, provider=data["service"].provider, service=data["service"],
            applicant_kind=data["applicant_kind"], owner=data["owner"],
            tenant_authorization=data["tenant_authorization"], contact_phone=data["contact_phone"],
            details=data["details"], id_copy=data["id_copy"], actor=request.user)
        messages.success(request, _("Hand-off %(number)s filed. E-mail it to the provider within 2 days.")
                         % {"number": ticket.number})
        return ticket.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/handoff_form.html", {
        "form": form, "unit": unit, "providers": selectors.providers_page(community=unit.community,
                                                                          active_only=True),
    })


@require("repairs.handoff")
@require_POST
def handoff_forward(request, pk):
    handoff = selectors.handoff_of(user=request.user, pk=pk)
    form = ForwardForm(request.POST)

    def perform(_data):
        services.handoff_forward(ticket=handoff.ticket, actor=request.user)
        messages.success(request, _("The application was e-mailed to %(provider)s.")
                         % {"provider": handoff.provider.name})
        return handoff.ticket.get_absolute_url()

    if response := submit_once(request, form, perform):
        return response
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(handoff.ticket.get_absolute_url())


@require("repairs.handoff")
def handoff_reply(request, pk):
    handoff = selectors.handoff_of(user=request.user, pk=pk)
    form = ReplyForm(request.POST or None)

    def perform(data):
        services.handoff_complete(ticket=handoff.ticket, reply=data["reply"], actor=request.user)
        messages.success(request, _("The provider's answer was recorded. Call the owner back."))
        return handoff.ticket.get_absolute_url()

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/handoff_reply.html", {"form": form, "handoff": handoff,
                                                          "ticket": handoff.ticket})


@require("repairs.handoff")
def handoff_pdf(request, pk):
    pdf, filename = render_handoff_pdf(user=request.user, pk=pk, request=request)
    return pdf_response(pdf, filename)


@require("privacy.reveal_id")
def handoff_id_copy(request, pk):
    """The applicant's ID copy: personal data, served to the desk of the hand-off's community and logged."""
    handoff = selectors.handoff_of(user=request.user, pk=pk)
    privacy.reveal_log(user=request.user, record=handoff, field="id_copy", kind=privacy.ID_NUMBER,
                       reason=_("ID copy of a utility hand-off opened"), ip_address=request.META.get("REMOTE_ADDR"))
    return file_response(handoff.id_copy.name)


# ---- providers (supervisor / manager) ----

def _back(community) -> str:
    return f"{reverse('repairs:provider_list')}?community={community.pk}"


@require("repairs.providers")
def provider_list(request):
    choice = choose_community(request, post_param="community_pk")
    community = choice.community
    return render(request, "repairs/provider_list.html", {
        "community": community, "communities": choice.communities,
        "providers": selectors.providers_page(community=community) if community else []})


def _form_page(request, form, perform, *, title, community, back):
    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "repairs/manage_form.html", {"form": form, "community": community, "title": title,
                                                        "back": back})


@require("repairs.providers")
def provider_edit(request, pk=None):
    provider = selectors.provider_of(user=request.user, pk=pk) if pk else None
    community = provider.community if provider else choose_community(request, post_param="community_pk").community
    if community is None:
        return redirect("repairs:provider_list")
    initial = ({"name": provider.name, "service": provider.service, "email": provider.email,
                "requirements": provider.requirements, "is_active": provider.is_active} if provider else {})
    form = ProviderForm(request.POST or None, initial=initial)

    def perform(data):
        services.provider_save(community=community, provider=provider, actor=request.user, **{
            k: data[k] for k in ("name", "service", "email", "requirements", "is_active")})
        messages.success(request, _("Saved."))
        return _back(community)

    return _form_page(request, form, perform, community=community, back=_back(community),
                      title=_("Edit provider") if provider else _("New provider"))


@require("repairs.providers")
def provider_service_add(request, pk):
    provider = selectors.provider_of(user=request.user, pk=pk)
    form = ServiceForm(request.POST or None)

    def perform(data):
        services.provider_service_add(provider=provider, name=data["name"], amount=data["amount"],
                                      valid_from=data["valid_from"], actor=request.user)
        messages.success(request, _("Saved."))
        return _back(provider.community)

    return _form_page(request, form, perform, community=provider.community, back=_back(provider.community),
                      title=_("New request type for %(provider)s") % {"provider": provider.name})


@require("repairs.providers")
def provider_service_edit(request, pk):
    service = selectors.service_of(user=request.user, pk=pk)
    community = service.provider.community
    form = ServiceEditForm(request.POST or None, initial={"name": service.name, "sort_order": service.sort_order,
                                                          "is_active": service.is_active})

    def perform(data):
        services.provider_service_save(service=service, name=data["name"], sort_order=data["sort_order"],
                                       is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Saved."))
        return _back(community)

    return _form_page(request, form, perform, community=community, back=_back(community),
                      title=_("Edit request type %(service)s") % {"service": f"{service.provider.name} · {service.name}"})


@require("repairs.providers")
def provider_fee_add(request, pk):
    service = selectors.service_of(user=request.user, pk=pk)
    community = service.provider.community
    form = FeeForm(request.POST or None)

    def perform(data):
        services.provider_fee_add(service=service, amount=data["amount"], valid_from=data["valid_from"],
                                  actor=request.user)
        messages.success(request, _("Saved."))
        return _back(community)

    return _form_page(request, form, perform, community=community, back=_back(community),
                      title=_("New fee for %(service)s") % {"service": f"{service.provider.name} · {service.name}"})


urlpatterns = [
    path("handoffs/new/", handoff_create, name="handoff_create"),
    path("handoffs/<int:pk>/forward/", handoff_forward, name="handoff_forward"),
    path("handoffs/<int:pk>/reply/", handoff_reply, name="handoff_reply"),
    path("handoffs/<int:pk>/application.pdf", handoff_pdf, name="handoff_pdf"),
    path("handoffs/<int:pk>/id-copy/", handoff_id_copy, name="handoff_id_copy"),
    path("handoffs/providers/", provider_list, name="provider_list"),
    path("handoffs/providers/new/", provider_edit, name="provider_create"),
    path("handoffs/providers/<int:pk>/", provider_edit, name="provider_edit"),
    path("handoffs/providers/<int:pk>/types/new/", provider_service_add, name="provider_service_add"),
    path("handoffs/types/<int:pk>/", provider_service_edit, name="provider_service_edit"),
    path("handoffs/types/<int:pk>/fees/new/", provider_fee_add, name="provider_fee_add"),
]
