"""Parcels and mail (邮件包裹): every write of the parcel register.

Arrival (one parcel, or a courier's batch) gives each parcel a 6-digit pickup code, unique among the
community's waiting parcels (a partial unique index; a clash is retried), and tells the owner by SMS with
the code. Every message to the owner is claimed as a ``ParcelNotice`` row (unique per parcel and kind,
``INSERT … ON CONFLICT DO NOTHING``) in the transaction that sends it: a repeated submission, two sweeps
at once or a sweep repeated after an outage never send one twice.

Pick-up locks the parcels (``select_for_update``): of two clerks handing over the same parcel, one
records the hand-over and the other is told who already did, and when. A proxy collecting a high-value
parcel shows an ID document, checked with the archive's validator.

The beat task ``frontdesk.tasks.parcels_sweep`` reminds the owner after the community's N days (once)
and records the return to the sender after M days. Catch-up: a sweep after an outage sends every
reminder still due (a parcel past its return day is returned, not reminded); messages whose queueing was
lost (Redis down) are queued again.
"""

import datetime
import logging
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from core.models import OutboundMessage
from core.notifications import outbound_requeue, send_outbound
from core.text import clean_text
from frontdesk.models import Community, IdType, Occupancy, Parcel, ParcelNotice, ParcelSettings, ParcelStatusChange, Unit
from frontdesk.validators import clean_id_document

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 30
REQUEUE_AFTER = datetime.timedelta(minutes=10)
SWEEP_CHUNK = 500
SIGNATURE_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX = 200_000
TRACKING_RE = re.compile(r"[A-Za-z0-9\-]{4,40}")


# -- status: the only writer ---------------------------------------------------------------------------------

def _set_status(parcel: Parcel, to: str, *, actor, at, note: str = "") -> None:
    """Move ``parcel`` (locked by the caller) to ``to``, checked against ``Parcel.TRANSITIONS``, with its
    status-change row. The caller saves the parcel."""
    if to not in Parcel.TRANSITIONS[parcel.status]:
        raise ValidationError(_("This parcel is %(status)s: it cannot be changed now.") % {
            "status": parcel.get_status_display()})
    ParcelStatusChange.objects.create(parcel=parcel, from_status=parcel.status, to_status=to, at=at, by=actor,
                                      note=clean_text(note)[:200])
    parcel.status = to


# -- messages to the owner -----------------------------------------------------------------------------------

def _tail(tracking_no: str) -> str:
    return tracking_no[-4:]


def arrival_text(parcel: Parcel, community: Community, unit: Unit) -> str:
    text = _("[%(community)s] A %(carrier)s parcel (tracking no. ending %(tail)s) for %(unit)s has arrived at the "
             "property service centre. Pickup code %(code)s: please collect it at the front desk.") % {
        "community": community.name, "carrier": parcel.carrier_label, "tail": _tail(parcel.tracking_no),
        "unit": unit.code, "code": parcel.pickup_code}
    if community.phone:
        text += " " + _("Tel. %(phone)s") % {"phone": community.phone}
    return text


def reminder_text(parcel: Parcel, community: Community, unit: Unit, return_on: datetime.date) -> str:
    local = timezone.localtime(parcel.arrived_at)
    return _("[%(community)s] Your %(carrier)s parcel for %(unit)s has been waiting at the property service centre "
             "since %(day)s (pickup code %(code)s). Please collect it: after %(return_on)s it is returned to the "
             "sender.") % {
        "community": community.name, "carrier": parcel.carrier_label, "unit": unit.code,
        "day": f"{local:%m-%d}", "code": parcel.pickup_code, "return_on": f"{return_on:%m-%d}"}


def returned_text(parcel: Parcel, community: Community, unit: Unit) -> str:
    return _("[%(community)s] Your %(carrier)s parcel (tracking no. ending %(tail)s) for %(unit)s was not collected "
             "and has been returned to the sender.") % {
        "community": community.name, "carrier": parcel.carrier_label, "tail": _tail(parcel.tracking_no),
        "unit": unit.code}


def _owner_phones(unit_ids) -> dict[int, str]:
    """The phone each unit's notices go to: its first current owner with a phone (one query)."""
    phones: dict[int, str] = {}
    rows = (Occupancy.objects.filter(unit_id__in=set(unit_ids), kind=Occupancy.Kind.OWNER, end_date__isnull=True)
            .exclude(person__phone="").order_by("unit_id", "id").values_list("unit_id", "person__phone"))
    for unit_id, phone in rows:
        phones.setdefault(unit_id, phone)
    return phones


def _claim_notice(parcel_id: int, kind: str) -> int | None:
    """Record the notice; its id when this call recorded it, None when it was already recorded."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ParcelNotice._meta.db_table} (parcel_id, kind, created_at) VALUES (%s, %s, now()) "  # noqa: S608
            "ON CONFLICT (parcel_id, kind) DO NOTHING RETURNING id", [parcel_id, kind])
        row = cursor.fetchone()
    return row[0] if row else None


def _notify(parcel: Parcel, kind: str, body: str, phone: str) -> bool:
    """Claim the notice of ``kind`` and send ``body`` to ``phone`` (once). True when this call sent it."""
    notice_id = _claim_notice(parcel.pk, kind)
    if notice_id is None:
        return False
    if phone:
        message = send_outbound(channel=OutboundMessage.Channel.SMS, recipient=phone, body=body)
        ParcelNotice.objects.filter(pk=notice_id).update(message=message)
    return True


def _addressee_phone(parcel: Parcel) -> str:
    return parcel.addressee.phone if parcel.addressee_id and parcel.addressee.phone else ""


# -- arrival -------------------------------------------------------------------------------------------------

def clean_tracking_no(value: str) -> str:
    value = re.sub(r"\s+", "", clean_text(value or "")).upper()
    if not TRACKING_RE.fullmatch(value):
        raise ValidationError({"tracking_no": _("A tracking number has 4 to 40 letters, digits or hyphens.")})
    return value


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _create_with_code(parcel: Parcel) -> Parcel:
    """Insert ``parcel`` with a fresh pickup code, unique among the community's waiting parcels."""
    for _attempt in range(CODE_ATTEMPTS):
        parcel.pickup_code = _new_code()
        try:  # the partial unique index decides; a clash (rare: a few thousand waiting of a million) is retried
            with transaction.atomic():
                parcel.save(force_insert=True)
            return parcel
        except IntegrityError as exc:
            constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "")
            if constraint == "parcel_unique_waiting_tracking":
                raise ValidationError({"tracking_no": _("A parcel with this tracking number is already waiting.")}) from exc
            if constraint != "parcel_unique_waiting_code":
                raise
            parcel.pk = None
    raise ValidationError(_("No free pickup code was found: please try again."))


@transaction.atomic
def parcel_register(*, actor, unit: Unit, carrier: str, tracking_no: str, size: str = Parcel.Size.SMALL,
                    shelf: str = "", high_value: bool = False, addressee=None, carrier_other: str = "",
                    now=None) -> Parcel:
    """Record a parcel's arrival for ``unit``, give it a pickup code and tell the owner (SMS, once)."""
    now = now or timezone.now()
    tracking_no = clean_tracking_no(tracking_no)
    if carrier not in Parcel.Carrier.values:
        raise ValidationError({"carrier": _("Choose the carrier.")})
    carrier_other = clean_text(carrier_other or "").strip()[:30] if carrier == Parcel.Carrier.OTHER else ""
    if carrier == Parcel.Carrier.OTHER and not carrier_other:
        raise ValidationError({"carrier_other": _("Name the carrier.")})
    if size not in Parcel.Size.values:
        raise ValidationError({"size": _("Choose the size.")})
    if addressee is not None and not Occupancy.objects.filter(unit=unit, person=addressee,
                                                              end_date__isnull=True).exists():
        raise ValidationError({"addressee": _("The addressee must be a current occupant of this unit.")})
    parcel = _create_with_code(Parcel(
        community_id=unit.community_id, unit=unit, addressee=addressee, carrier=carrier, carrier_other=carrier_other,
        tracking_no=tracking_no, size=size, shelf=clean_text(shelf or "").strip()[:20], high_value=bool(high_value),
        arrived_at=now, received_by=actor, status=Parcel.Status.WAITING))
    ParcelStatusChange.objects.create(parcel=parcel, from_status="", to_status=Parcel.Status.WAITING, at=now, by=actor)
    phone = _addressee_phone(parcel) or _owner_phones([unit.pk]).get(unit.pk, "")
    _notify(parcel, ParcelNotice.Kind.ARRIVAL, arrival_text(parcel, unit.community, unit), phone)
    return parcel


@transaction.atomic
def parcels_register_batch(*, actor, carrier: str, rows: list[dict], carrier_other: str = "", now=None) -> list[Parcel]:
    """A courier's delivery: every row (unit, tracking_no, size, shelf, high_value) registered in one
    transaction, or none (a row's error names the row: ``{"rows": {index: ValidationError}}``)."""
    now = now or timezone.now()
    parcels, errors = [], {}
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                parcels.append(parcel_register(actor=actor, carrier=carrier, carrier_other=carrier_other, now=now,
                                               **row))
        except ValidationError as exc:
            errors[index] = exc
    if errors:
        transaction.set_rollback(True)
        raise BatchErrors(errors)
    return parcels


class BatchErrors(Exception):
    """The rows of a batch the service refused, by index (nothing of the batch was saved)."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


# -- pick-up -------------------------------------------------------------------------------------------------

def clean_signature(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not value.startswith(SIGNATURE_PREFIX) or len(value) > SIGNATURE_MAX:
        raise ValidationError({"signature": _("The signature could not be read: please sign again.")})
    return value


@transaction.atomic
def parcels_pick_up(*, actor, parcel_ids: list[int], collector: str, collector_name: str = "",
                    collector_id_type: str = "", collector_id_number: str = "", signature: str = "",
                    signed_on_paper: bool = False, now=None) -> list[Parcel]:
    """Hand over the parcels (locked): to the addressee, or to a proxy (name; an ID document for high-value
    parcels), signed on the pad or on the paper register. One clerk wins a race; the other is told."""
    now = now or timezone.now()
    if not parcel_ids:
        raise ValidationError({"parcels": _("Choose the parcels being collected.")})
    if collector not in Parcel.Collector.values:
        raise ValidationError({"collector": _("Say who collects the parcels.")})
    signature = clean_signature(signature)
    if not signature and not signed_on_paper:
        raise ValidationError({"signature": _("The collector signs on the pad or on the paper register.")})
    parcels = list(Parcel.objects.select_for_update(of=("self",)).select_related("unit").filter(pk__in=parcel_ids)
                   .order_by("pk"))
    if len(parcels) != len(set(parcel_ids)):
        raise ValidationError({"parcels": _("Choose the parcels being collected.")})
    for parcel in parcels:
        if parcel.status != Parcel.Status.WAITING:
            raise ValidationError(already_text(parcel))
    collector_name = clean_text(collector_name or "").strip()[:50]
    id_number = ""
    if collector == Parcel.Collector.PROXY:
        if not collector_name:
            raise ValidationError({"collector_name": _("Write the proxy's name.")})
        if collector_id_number or any(p.high_value for p in parcels):
            if collector_id_type not in IdType.values:
                raise ValidationError({"collector_id_type": _("Choose the ID document.")})
            if not (collector_id_number or "").strip():
                raise ValidationError({"collector_id_number": _(
                    "A high-value parcel is handed to a proxy only against an ID document: enter its number.")})
            try:
                id_number = clean_id_document(collector_id_type, collector_id_number)
            except ValidationError as exc:
                raise ValidationError({"collector_id_number": exc.messages}) from exc
    for parcel in parcels:
        _set_status(parcel, Parcel.Status.PICKED_UP, actor=actor, at=now,
                    note=collector_name if collector == Parcel.Collector.PROXY else "")
        parcel.picked_up_at, parcel.handed_over_by, parcel.collector = now, actor, collector
        parcel.collector_name = collector_name
        parcel.collector_id_type = collector_id_type if id_number else ""
        parcel.collector_id_number = id_number
        parcel.signature, parcel.signed_on_paper = signature, bool(signed_on_paper)
        parcel.save(update_fields=["status", "picked_up_at", "handed_over_by", "collector", "collector_name",
                                   "collector_id_type", "collector_id_number", "signature", "signed_on_paper"])
    return parcels


def already_text(parcel: Parcel) -> str:
    if parcel.status == Parcel.Status.PICKED_UP:
        by = parcel.handed_over_by
        return _("Parcel %(tracking)s was already handed over by %(by)s at %(at)s.") % {
            "tracking": parcel.tracking_no, "by": by.display_name if by else "",
            "at": f"{timezone.localtime(parcel.picked_up_at):%Y-%m-%d %H:%M}"}
    return _("Parcel %(tracking)s is %(status)s: it cannot be handed over.") % {
        "tracking": parcel.tracking_no, "status": parcel.get_status_display()}


# -- void ----------------------------------------------------------------------------------------------------

@transaction.atomic
def parcel_void(*, actor, parcel: Parcel, reason: str, now=None) -> Parcel:
    """A wrong entry is voided with the reason (never deleted); its pickup code is free again."""
    reason = clean_text(reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why this entry is voided.")})
    parcel = Parcel.objects.select_for_update(of=("self",)).select_related("handed_over_by").get(pk=parcel.pk)
    if parcel.status != Parcel.Status.WAITING:
        raise ValidationError(already_text(parcel))
    now = now or timezone.now()
    _set_status(parcel, Parcel.Status.VOID, actor=actor, at=now, note=reason)
    parcel.voided_at, parcel.voided_by, parcel.void_reason = now, actor, reason[:200]
    parcel.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    return parcel


# -- settings ------------------------------------------------------------------------------------------------

@transaction.atomic
def parcel_settings_save(*, actor, community: Community, remind_after_days: int, return_after_days: int) -> ParcelSettings:
    if remind_after_days < 1:
        raise ValidationError({"remind_after_days": _("Remind after at least 1 day.")})
    if return_after_days <= remind_after_days:
        raise ValidationError({"return_after_days": _("Return to the sender after more days than the reminder.")})
    current, _created = ParcelSettings.objects.select_for_update().get_or_create(community=community)
    current.remind_after_days, current.return_after_days, current.updated_by = (
        remind_after_days, return_after_days, actor)
    current.save()
    return current


# -- the beat's sweep ----------------------------------------------------------------------------------------

def _policies() -> list[tuple[Community, int, int]]:
    settings_of = {s.community_id: s for s in ParcelSettings.objects.all()}
    return [(c, settings_of[c.pk].remind_after_days if c.pk in settings_of else ParcelSettings.DEFAULT_REMIND_AFTER,
             settings_of[c.pk].return_after_days if c.pk in settings_of else ParcelSettings.DEFAULT_RETURN_AFTER)
            for c in Community.objects.order_by("pk")]


def _sweep_returns(community, return_after: int, now) -> int:
    cutoff = now - datetime.timedelta(days=return_after)
    count = 0
    while True:
        with transaction.atomic():
            parcels = list(Parcel.objects.select_for_update(of=("self",), skip_locked=True)
                           .select_related("unit", "addressee")
                           .filter(community=community, status=Parcel.Status.WAITING, arrived_at__lte=cutoff)
                           .order_by("arrived_at", "pk")[:SWEEP_CHUNK])
            if not parcels:
                return count
            phones = _owner_phones([p.unit_id for p in parcels])
            for parcel in parcels:
                _set_status(parcel, Parcel.Status.RETURNED, actor=None, at=now,
                            note=_("Not collected within %(days)s days.") % {"days": return_after})
                parcel.returned_at = now
                parcel.save(update_fields=["status", "returned_at"])
                _notify(parcel, ParcelNotice.Kind.RETURNED, returned_text(parcel, community, parcel.unit),
                        _addressee_phone(parcel) or phones.get(parcel.unit_id, ""))
                count += 1


def _sweep_reminders(community, remind_after: int, return_after: int, now) -> int:
    cutoff = now - datetime.timedelta(days=remind_after)
    count, after_pk = 0, 0
    while True:
        with transaction.atomic():
            parcels = list(Parcel.objects.select_for_update(of=("self",), skip_locked=True)
                           .select_related("unit", "addressee")
                           .filter(community=community, status=Parcel.Status.WAITING, arrived_at__lte=cutoff,
                                   pk__gt=after_pk)
                           .exclude(notices__kind=ParcelNotice.Kind.REMINDER)
                           .order_by("pk")[:SWEEP_CHUNK])
            if not parcels:
                return count
            after_pk = parcels[-1].pk
            phones = _owner_phones([p.unit_id for p in parcels])
            for parcel in parcels:
                return_on = timezone.localdate(parcel.arrived_at) + datetime.timedelta(days=return_after)
                if _notify(parcel, ParcelNotice.Kind.REMINDER,
                           reminder_text(parcel, community, parcel.unit, return_on),
                           _addressee_phone(parcel) or phones.get(parcel.unit_id, "")):
                    count += 1


def requeue_undelivered(now) -> int:
    """Queue again the parcel messages still pending long after they were recorded (their queueing was lost)."""
    mine = OutboundMessage.objects.filter(pk__in=ParcelNotice.objects.filter(message__isnull=False).values("message_id"))
    return outbound_requeue(now=now, older_than=REQUEUE_AFTER, messages=mine, what="parcel messages")


def parcels_sweep(now=None) -> dict:
    """Return what is past the community's M days, then remind (once) what is past its N days; queue lost
    messages again. Returns the counts."""
    now = now or timezone.now()
    returned = reminded = 0
    for community, remind_after, return_after in _policies():
        try:
            returned += _sweep_returns(community, return_after, now)
            reminded += _sweep_reminders(community, remind_after, return_after, now)
        except BrokerError:
            logger.warning("Redis unreachable while queueing the parcel notices of community %s", community.pk)
    return {"returned": returned, "reminded": reminded, "requeued": requeue_undelivered(now)}
