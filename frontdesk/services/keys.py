"""Key custody 钥匙托管: deposit an owner's key, register a public key, sign out / in, return to the owner,
report a key lost. ``key_set_status`` is the one writer of ``Key.status``: it locks the key, checks the move
against ``Key.TRANSITIONS`` and writes the movement row. Nothing is deleted."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.db import save_unique
from core.models import OutboundMessage, Role
from core.notifications import notify, send_outbound
from core.privacy import mask_phone
from core.text import clean_text
from frontdesk.models import Community, IdType, Key, KeyMovement, Occupancy, Person, Unit
from frontdesk.validators import clean_id_document, clean_phone

S = Key.Status
K = KeyMovement.Kind
TAG_TAKEN = gettext_lazy("A key with this tag number is already held in this community.")  # in the user's language
# Who is told in the app when a key is lost: the desk of the key's community.
DESK_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.MANAGER)


def _tag(tag_no: str) -> str:
    tag = clean_text(tag_no or "").strip().upper()
    if not tag:
        raise ValidationError({"tag_no": _("Give the number on the key tag.")})
    return tag


def _refuse_held_tag(community_id: int, tag: str) -> None:
    if Key.objects.filter(community_id=community_id, tag_no=tag, status__in=Key.HELD).exists():
        raise ValidationError({"tag_no": TAG_TAKEN})


def _is_current_owner(unit: Unit, person: Person) -> bool:
    return Occupancy.objects.filter(unit=unit, person=person, kind=Occupancy.Kind.OWNER, end_date__isnull=True).exists()


@transaction.atomic
def key_deposit(*, unit: Unit, depositor: Person, purpose: str, consent_ref: str, tag_no: str, opens: str,
                envelope_no: str = "", quantity: int = 1, notes: str = "", actor, now=None) -> Key:
    """An owner's key taken into custody: only a current owner of the room may deposit it (a tenant may not,
    even with an authorisation: the keys and the consent are the owner's), with a written consent reference."""
    now = now or timezone.now()
    if not _is_current_owner(unit, depositor):
        raise ValidationError({"depositor": _("Only a current owner of this room may deposit a key.")})
    if purpose not in Key.Purpose.values:
        raise ValidationError({"purpose": _("Choose why the key is deposited.")})
    consent_ref = clean_text(consent_ref or "").strip()
    if not consent_ref:
        raise ValidationError({"consent_ref": _("Give the reference of the owner's written consent.")})
    envelope_no = clean_text(envelope_no or "").strip()
    if not envelope_no:
        raise ValidationError({"envelope_no": _("Give the number of the sealed envelope.")})
    tag = _tag(tag_no)
    _refuse_held_tag(unit.community_id, tag)
    key = Key(community_id=unit.community_id, kind=Key.Kind.OWNER, unit=unit, depositor=depositor, purpose=purpose,
              consent_ref=consent_ref, tag_no=tag, envelope_no=envelope_no, opens=clean_text(opens).strip(),
              quantity=quantity, notes=clean_text(notes or ""), status=S.IN, created_at=now, created_by=actor)
    save_unique(key, field="tag_no", message=TAG_TAKEN)
    KeyMovement.objects.create(key=key, kind=K.DEPOSIT, from_status="", to_status=S.IN, at=now, actor=actor,
                               person=depositor, reason=consent_ref)
    return key


@transaction.atomic
def key_register_public(*, community: Community, tag_no: str, opens: str, quantity: int = 1, notes: str = "",
                        actor, now=None) -> Key:
    """A public key of the service centre (plant room, roof, meter room): in the register, without a room."""
    now = now or timezone.now()
    tag = _tag(tag_no)
    _refuse_held_tag(community.pk, tag)
    key = Key(community=community, kind=Key.Kind.PUBLIC, tag_no=tag, opens=clean_text(opens).strip(),
              quantity=quantity, notes=clean_text(notes or ""), status=S.IN, created_at=now, created_by=actor)
    save_unique(key, field="tag_no", message=TAG_TAKEN)
    KeyMovement.objects.create(key=key, kind=K.DEPOSIT, from_status="", to_status=S.IN, at=now, actor=actor)
    return key


def _refusal(key: Key, to: str) -> str:
    """What the loser of a race (or a stale page) is told: what happened to the key, by whom, when."""
    last = key.movements.select_related("actor").order_by("-at", "-id").first()
    if last is not None and last.to_status == key.status:
        return _("This key is already “%(status)s”: %(who)s recorded it at %(when)s.") % {
            "status": key.get_status_display(), "who": last.actor.full_name or last.actor.username,
            "when": f"{timezone.localtime(last.at):%Y-%m-%d %H:%M}"}
    return _("A key that is “%(from)s” cannot become “%(to)s”.") % {"from": key.get_status_display(),
                                                                   "to": S(to).label}


@transaction.atomic
def key_set_status(*, key: Key, to: str, kind: str, actor, now=None, key_fields: dict | None = None,
                   **movement) -> KeyMovement:
    """The only writer of ``Key.status``: lock the key, check the move, save it with ``key_fields`` and record
    the movement row (``movement``: who took it, why, …). Two clerks on one key: the second is told who won."""
    now = now or timezone.now()
    locked = Key.objects.select_for_update().get(pk=key.pk)
    if to not in locked.allowed_moves():
        raise ValidationError(_refusal(locked, to), code="bad_move")
    previous = locked.status
    row = KeyMovement.objects.create(key=locked, kind=kind, from_status=previous, to_status=to, at=now, actor=actor,
                                     **movement)
    locked.status = to
    fields = {"out_movement": row if to == S.OUT else None, "due_back_at": None, **(key_fields or {})}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    key.status, key.out_movement, key.due_back_at = locked.status, locked.out_movement, locked.due_back_at
    return row


def _staff_of(community_id: int):
    return get_user_model().objects.filter(communities=community_id, is_active=True).exclude(role=Role.GUARD)


def key_sign_out(*, key: Key, taker_kind: str, due_back_at: datetime.datetime, reason: str, actor,
                 staff=None, name: str = "", company: str = "", id_type: str = IdType.RESIDENT_ID,
                 id_number: str = "", phone: str = "", now=None) -> KeyMovement:
    """Sign a key out to a staff member of the community, or to a contractor (name, ID number checked, phone),
    with the reason and the expected return time."""
    now = now or timezone.now()
    reason = clean_text(reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the key is taken.")
    if due_back_at is None or due_back_at <= now:
        errors["due_back_at"] = _("The expected return must be later than now.")
    movement = {"taker_kind": taker_kind, "reason": reason[:200], "due_back_at": due_back_at}
    if taker_kind == KeyMovement.Taker.STAFF:
        if staff is None or not _staff_of(key.community_id).filter(pk=staff.pk).exists():
            errors["staff"] = _("Choose a staff member of this community.")
        movement |= {"taker_staff": staff, "taker_name": (staff.full_name or staff.username)[:50] if staff else ""}
    elif taker_kind == KeyMovement.Taker.CONTRACTOR:
        name = clean_text(name or "").strip()
        if not name:
            errors["name"] = _("Give the contractor's name.")
        if id_type not in IdType.values:
            errors["id_type"] = _("Choose the identity document.")
        elif not (id_number or "").strip():
            errors["id_number"] = _("Give the contractor's ID number.")
        else:
            try:
                id_number = clean_id_document(id_type, id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        if not phone and "phone" not in errors:
            errors["phone"] = _("Give the contractor's phone number.")
        movement |= {"taker_name": name[:50], "taker_company": clean_text(company or "").strip()[:100],
                     "taker_id_type": id_type, "taker_id_number": id_number, "taker_phone": phone}
    else:
        errors["taker_kind"] = _("Say who takes the key: a staff member or a contractor.")
    if errors:
        raise ValidationError(errors)
    return key_set_status(key=key, to=S.OUT, kind=K.SIGN_OUT, actor=actor, now=now,
                          key_fields={"due_back_at": due_back_at}, **movement)


def key_sign_in(*, key: Key, returned_by_name: str, actor, note: str = "", now=None) -> KeyMovement:
    """The key is back in the cabinet: who brought it back, and when."""
    returned_by_name = clean_text(returned_by_name or "").strip()
    if not returned_by_name:
        raise ValidationError({"returned_by_name": _("Say who brought the key back.")})
    return key_set_status(key=key, to=S.IN, kind=K.SIGN_IN, actor=actor, now=now,
                          returned_by_name=returned_by_name[:50], reason=clean_text(note or "").strip()[:200])


def key_return_to_owner(*, key: Key, person: Person, id_checked: bool, signed: bool, actor, note: str = "",
                        now=None) -> KeyMovement:
    """The owner takes the key back (the end of the custody): a current owner of the room, identity document
    checked, the register signed. The key's record stays."""
    errors = {}
    if key.kind != Key.Kind.OWNER:
        raise ValidationError(_("A public key is not returned to an owner."))
    if person is None or not _is_current_owner(key.unit, person):
        errors["person"] = _("Only a current owner of this room may take the key back.")
    if not id_checked:
        errors["id_checked"] = _("Check the owner's identity document first.")
    if not signed:
        errors["signed"] = _("The owner signs the key register when taking the key back.")
    if errors:
        raise ValidationError(errors)
    return key_set_status(key=key, to=S.RETURNED, kind=K.RETURN, actor=actor, now=now, person=person,
                          id_checked=True, signed=True, reason=clean_text(note or "").strip()[:200])


def _owner_sms(key: Key) -> str:
    return _("%(community)s service centre: the key (%(opens)s) of %(room)s that you left with us has been lost. "
             "We are sorry; please contact the service centre about changing the lock.") % {
        "community": key.community.name, "opens": key.opens, "room": key.unit.label}


@transaction.atomic
def key_report_lost(*, key: Key, reason: str, actor, now=None) -> KeyMovement:
    """A lost-key incident: recorded with the reason; the key is never used again. The owner (of an owner's key)
    is told by SMS through the outbound sender; the desk of the community gets an in-app notification."""
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say how the key was lost.")})
    key = Key.objects.select_related("community", "unit__building", "unit__entrance", "depositor").get(pk=key.pk)
    message = None
    if key.kind == Key.Kind.OWNER and key.depositor.phone:
        message = send_outbound(channel=OutboundMessage.Channel.SMS, recipient=key.depositor.phone,
                                body=_owner_sms(key))
    row = key_set_status(key=key, to=S.LOST, kind=K.LOST, actor=actor, now=now, reason=reason[:200],
                         person=key.depositor, owner_message=message)
    where = key.unit.label if key.unit_id else key.opens
    if message is not None:
        told = _("The owner %(name)s was told by SMS (%(phone)s).") % {"name": key.depositor.name,
                                                                      "phone": mask_phone(key.depositor.phone)}
    elif key.kind == Key.Kind.OWNER:
        told = _("No phone on file: call or visit the owner %(name)s.") % {"name": key.depositor.name}
    else:
        told = ""
    desk = list(_staff_of(key.community_id).filter(role__in=DESK_ROLES))
    notify(users=desk, url=key.get_absolute_url(),
           title=_("Key %(tag)s lost (%(where)s)") % {"tag": key.tag_no, "where": where},
           body=" ".join(part for part in (reason, told) if part))
    return row
