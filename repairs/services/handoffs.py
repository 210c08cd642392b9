"""Utility hand-offs 代办开通 (seed 003 篇5 流程6–8): a ticket of kind ``handoff``.

Filing checks the identity rule as on paper (the owner, or a tenant with the owner's written authorisation:
frontdesk's one rule, ``tenant_authorization_check``), keeps the ID copy (PDF/JPEG/PNG, read by content),
bills the request type's fee at once as collected on behalf (代收, billing's ``handoff`` source) and starts
the 2-day forwarding clock. Forwarding e-mails the application (a PDF, with the ID copy) to the provider
through ``core.notifications.send_outbound`` once, under the hand-off's row lock; the provider's answer
completes the ticket and opens the callback. Providers, their request types and dated fees are edited by
supervisors and managers."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.models import OutboundMessage
from core.money import to_money
from core.notifications import send_outbound
from core.text import clean_text
from core.uploads import DOCUMENT_SUFFIXES, document_check
from frontdesk.models import TenantAuthorization
from frontdesk.selectors.occupancies import is_current_owner, tenant_authorization_check
from frontdesk.validators import clean_phone

from ..models import Category, Clock, Handoff, Provider, ProviderService, ProviderServiceFee, Ticket
from . import clocks, tickets
from .callbacks import callback_open_for

S = Ticket.Status
A = Handoff.ApplicantKind
FORWARD_WITHIN = datetime.timedelta(days=2)  # seed: 2日内以E-mail形式发与网通公司


# ---- providers, request types, fees (supervisor / manager) ----

@transaction.atomic
def provider_save(*, community, name: str, service: str, email: str, requirements: str = "", is_active: bool = True,
                  provider: Provider | None = None, actor) -> Provider:
    """Add a provider to ``community`` or change ``provider`` (locked)."""
    provider = (Provider.objects.select_for_update().get(pk=provider.pk) if provider is not None
                else Provider(community=community))
    provider.name, provider.service, provider.email = clean_text(name), service, (email or "").strip()
    provider.requirements, provider.is_active = clean_text(requirements), is_active
    provider.full_clean(validate_unique=False, validate_constraints=False)  # a clash: the IntegrityError below
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ValidationError({"name": _("This provider already exists.")}) from None
    return provider


@transaction.atomic
def provider_service_add(*, provider: Provider, name: str, amount, valid_from: datetime.date, actor,
                         now=None) -> ProviderService:
    """A request type (开通, 资费变更, 复机 …) with its first fee from ``valid_from``."""
    service = ProviderService(provider=provider, name=clean_text(name),
                              sort_order=(provider.services.count() + 1) * 10)
    service.full_clean(validate_unique=False, validate_constraints=False)  # a clash: the IntegrityError below
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError:
        raise ValidationError({"name": _("This request type already exists.")}) from None
    provider_fee_add(service=service, amount=amount, valid_from=valid_from, actor=actor, now=now)
    return service


@transaction.atomic
def provider_service_save(*, service: ProviderService, name: str, sort_order: int, is_active: bool,
                          actor) -> ProviderService:
    """Rename a request type, reorder it or put it out of use (its fees and past requests stay)."""
    service = ProviderService.objects.select_for_update().get(pk=service.pk)
    service.name, service.sort_order, service.is_active = clean_text(name), sort_order, is_active
    service.full_clean(validate_unique=False, validate_constraints=False)  # a clash: the IntegrityError below
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError:
        raise ValidationError({"name": _("This request type already exists.")}) from None
    return service


@transaction.atomic
def provider_fee_add(*, service: ProviderService, amount, valid_from: datetime.date, actor,
                     now=None) -> ProviderServiceFee:
    """A new price of a request type from ``valid_from`` (the earlier ones stay, for requests before it)."""
    amount = to_money(amount)
    if amount < 0:
        raise ValidationError({"amount": _("The fee cannot be negative.")})
    fee = ProviderServiceFee(service=service, amount=amount, valid_from=valid_from, created_by=actor,
                             created_at=now or timezone.now())
    try:
        with transaction.atomic():
            fee.save()
    except IntegrityError:
        raise ValidationError({"valid_from": _("A fee from this day is already set.")}) from None
    return fee


def fee_on(service: ProviderService, on: datetime.date) -> Decimal:
    """The request type's fee on the day ``on`` (0 when none is set yet)."""
    fee = service.fees.filter(valid_from__lte=on).order_by("-valid_from").first()
    return fee.amount if fee else Decimal("0.00")


# ---- the hand-off ----

CATEGORY_NAME = gettext_noop("Utility hand-off")


def _category(community) -> Category:
    """Hand-offs are filed under one category of their own, out of use so the repair forms do not offer it.
    Named in Chinese (the desk's language) when created; found by that name or the source string."""
    with translation.override("zh-hans"):
        name = _(CATEGORY_NAME)
    category = (Category.objects.filter(community=community, name__in={name, CATEGORY_NAME, _(CATEGORY_NAME)})
                .order_by("id").first())
    if category is None:
        category, _created = Category.objects.get_or_create(community=community, name=name,
                                                            defaults={"is_active": False, "sort_order": 900})
    return category


def check_applicant(*, unit, applicant_kind: str, owner, tenant_authorization, today: datetime.date) -> dict:
    """The identity rule (seed 003 篇5 流程7a: 确认业主身份，如租户申请需凭业主委托书). The owner must own the room
    today; a tenant needs the owner's written authorisation on file covering service applications."""
    if applicant_kind == A.TENANT:
        auth = tenant_authorization_check(
            unit=unit, authorization=tenant_authorization, scope=TenantAuthorization.Scope.SERVICES,
            scope_refused=_("The owner did not authorise this tenant to apply for services."), today=today)
        return {"owner": auth.owner, "applicant": auth.tenancy.person, "tenant_authorization": auth}
    if applicant_kind != A.OWNER:
        raise ValidationError({"applicant_kind": _("Choose who applies.")})
    if not is_current_owner(unit=unit, person=owner):
        raise ValidationError({"owner": _("Choose a current owner of this room.")})
    return {"owner": owner, "applicant": owner, "tenant_authorization": None}


@transaction.atomic
def handoff_file(*, unit, provider: Provider, service: ProviderService, applicant_kind: str, owner=None,
                 tenant_authorization=None, contact_phone: str = "", details: str = "", id_copy, actor,
                 now=None) -> Ticket:
    """File a hand-off at the desk: the ticket (DB-…), its application, the fee billed as 代收 at once (the
    cashier takes it at the counter), the 2-day forwarding clock. Refusals are at the form's fields."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = {}
    if provider.community_id != unit.community_id or not provider.is_active:
        errors["provider"] = _("Choose a provider of this community.")
    if service.provider_id != provider.pk or not service.is_active:
        errors["service"] = _("Choose a request type of this provider.")
    try:
        who = check_applicant(unit=unit, applicant_kind=applicant_kind, owner=owner,
                              tenant_authorization=tenant_authorization, today=today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        who = None
    try:
        contact_phone = clean_phone(contact_phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    content_type = None
    if id_copy is None:
        errors["id_copy"] = _("Attach the copy of the applicant's ID.")
    else:
        try:
            content_type = document_check(id_copy)
        except ValidationError as exc:
            errors["id_copy"] = exc.messages
    if errors:
        raise ValidationError(errors)
    details = clean_text(details)
    applicant = who["applicant"]
    ticket = Ticket(
        community=unit.community, number=tickets.next_number(community=unit.community, kind=Ticket.Kind.HANDOFF,
                                                             now=now),
        kind=Ticket.Kind.HANDOFF, channel=Ticket.Channel.WALK_IN, unit=unit, building_id=unit.building_id,
        contact_name=applicant.name, contact_phone=contact_phone or applicant.phone,
        category=_category(unit.community),
        description=f"{provider.name} · {service.name}" + (f"\n{details}" if details else ""),
        status=S.NEW, created_by=actor, created_at=now, last_activity_at=now)
    ticket.full_clean()
    ticket.save()
    id_copy.name = f"{uuid.uuid4().hex}{DOCUMENT_SUFFIXES[content_type]}"  # never the uploaded name on disk
    handoff = Handoff(ticket=ticket, community=unit.community, provider=provider, service=service,
                      applicant_kind=applicant_kind, details=details, id_copy=id_copy, id_copy_type=content_type,
                      fee=fee_on(service, today), **who)
    handoff.full_clean()
    handoff.save()
    clocks.clock_start(ticket=ticket, kind=Clock.Kind.FORWARD, due_at=now + FORWARD_WITHIN, now=now)
    if handoff.fee > 0:
        from ..charges import handoff_bill_now

        handoff_bill_now(handoff=handoff, actor=actor, now=now)
    return ticket


def _locked(ticket: Ticket) -> Handoff:
    return (Handoff.objects.select_for_update(of=("self",))
            .select_related("ticket__community", "ticket__unit__building", "ticket__unit__entrance", "provider",
                            "service", "owner", "applicant").get(ticket_id=ticket.pk))


@transaction.atomic
def handoff_forward(*, ticket: Ticket, actor, now=None) -> Handoff:
    """E-mail the application (PDF) and the ID copy to the provider, once: the hand-off is locked and a second
    forward is refused (told to the loser). The e-mail is an ``OutboundMessage`` recorded on the hand-off;
    delivery is the outbound task's, which never sends a message twice. Meets the forwarding clock."""
    from ..documents import handoff_application_pdf

    now = now or timezone.now()
    handoff = _locked(ticket)
    if handoff.forward_message_id:
        raise ValidationError(_("This application was already e-mailed to the provider at %(at)s.")
                              % {"at": f"{timezone.localtime(handoff.forwarded_at):%Y-%m-%d %H:%M}"}, code="done")
    if handoff.ticket.status != S.NEW:
        raise ValidationError(_("Only a new hand-off is e-mailed to the provider."), code="bad_move")
    if not handoff.provider.email:
        raise ValidationError(_("The provider has no e-mail address: add it on the providers page."))
    pdf, filename = handoff_application_pdf(handoff=handoff, user=actor)
    with handoff.id_copy.open("rb") as handle:
        id_copy = handle.read()
    suffix = DOCUMENT_SUFFIXES.get(handoff.id_copy_type, ".bin")
    unit = handoff.ticket.unit
    subject = _("%(community)s: %(service)s for room %(room)s (%(number)s)") % {
        "community": handoff.ticket.community.name, "service": handoff.service.name, "room": unit.code,
        "number": handoff.ticket.number}
    body = _("Dear %(provider)s,\n\nPlease find attached the application of room %(room)s for “%(service)s” "
             "and the copy of the applicant's ID.\n\n%(community)s service centre") % {
        "provider": handoff.provider.name, "room": unit.code, "service": handoff.service.name,
        "community": handoff.ticket.community.name}
    message = send_outbound(channel=OutboundMessage.Channel.EMAIL, recipient=handoff.provider.email, subject=subject,
                            body=body, attachments=[(filename, pdf, "application/pdf"),
                                                    (f"id-copy-{handoff.ticket.number}{suffix}", id_copy,
                                                     handoff.id_copy_type)])
    handoff.forward_message, handoff.forwarded_at, handoff.forwarded_by = message, now, actor
    handoff.save(update_fields=["forward_message", "forwarded_at", "forwarded_by"])
    tickets.ticket_set_status(ticket=handoff.ticket, to=S.FORWARDED, actor=actor, now=now,
                              note=_("E-mailed to %(email)s.") % {"email": handoff.provider.email})
    clocks.clocks_meet(ticket=handoff.ticket, kinds=[Clock.Kind.FORWARD], now=now)
    return handoff


@transaction.atomic
def handoff_complete(*, ticket: Ticket, reply: str, actor, now=None) -> Handoff:
    """The provider's answer (opened, changed, refused with why…): recorded, the ticket completed and the
    callback to the owner opened with its clock."""
    now = now or timezone.now()
    reply = clean_text(reply)
    if len(reply) < 2:
        raise ValidationError({"reply": _("Write what the provider answered.")})
    handoff = _locked(ticket)
    if handoff.provider_reply_at:
        raise ValidationError(_("The provider's answer was already recorded."), code="done")
    if handoff.ticket.status != S.FORWARDED:
        raise ValidationError(_("E-mail the application to the provider first."), code="bad_move")
    handoff.provider_reply, handoff.provider_reply_at, handoff.provider_reply_by = reply, now, actor
    handoff.save(update_fields=["provider_reply", "provider_reply_at", "provider_reply_by"])
    completed = tickets.ticket_set_status(ticket=handoff.ticket, to=S.COMPLETED, actor=actor, now=now,
                                          note=_("The provider answered: %(reply)s") % {"reply": reply[:200]})
    callback_open_for(completed, actor=actor, now=now)
    return handoff
