"""Repair and complaint tickets (报修 / 投诉 / 咨询): intake, dispatch, the clocks, the engineer's work
order, callbacks (回访). Writes go through ``repairs.services``; status moves follow TRANSITIONS.

The clocks are rows (``Clock``): one per deadline of a ticket, with an indexed ``due_at``. A Celery
ETA task fires at the warning and the deadline, and a beat sweeper every minute catches anything
missed; ``warned_at`` / ``breached_at`` are set under a row lock, so nothing is sent twice."""

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@pghistory.track()
class ClockSettings(models.Model):
    """Per-community durations. Defaults: dispatch within 3 minutes, an urgent repair on site within 15,
    a complaint handled within 24 hours, a home repair's callback the same day by 20:00; warn when a
    third of the time is left."""

    community = models.OneToOneField("frontdesk.Community", on_delete=models.PROTECT, related_name="repair_clock_settings")
    dispatch_minutes = models.PositiveIntegerField(_("dispatch within (minutes)"), default=3)
    onsite_urgent_minutes = models.PositiveIntegerField(_("urgent: on site within (minutes)"), default=15)
    complaint_hours = models.PositiveIntegerField(_("complaints handled within (hours)"), default=24)
    callback_end_of_day = models.TimeField(_("same-day callback by"), default=datetime.time(20, 0))
    warn_before_percent = models.PositiveSmallIntegerField(
        _("warn when this share of the time is left (%)"), default=33)
    confirm_minutes = models.PositiveIntegerField(_("paid service: time confirmed to the owner within (minutes)"),
                                                  default=120)

    class Meta:
        verbose_name = _("clock settings")
        verbose_name_plural = _("clock settings")

    def __str__(self):
        return f"{self.community_id}: {self.dispatch_minutes}/{self.onsite_urgent_minutes} min, {self.complaint_hours} h"


@pghistory.track()
class Category(models.Model):
    """Editable per community by managers: plumbing, electrical, doors and windows, lift, …"""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="ticket_categories")
    name = models.CharField(_("name"), max_length=30)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["community", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="ticket_category_unique_name",
                                               violation_error_message=_("This category already exists."))]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


@pghistory.track()
class Team(models.Model):
    """An engineering team or a department a complaint is assigned to."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=30)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_name")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class TicketCounter(models.Model):
    """Locked to number tickets per community, prefix and day: BX-20261122-0007."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=4)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "prefix", "day"], name="ticket_counter_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.day:%Y%m%d}: {self.last}"


OPEN_STATUS_VALUES = {"new", "dispatched", "accepted", "on_site", "on_hold", "assigned", "in_progress", "reopened",
                      "completed", "replied", "forwarded"}


@pghistory.track()
class Ticket(models.Model):
    class Kind(models.TextChoices):
        REPAIR = "repair", _("Repair")
        COMPLAINT = "complaint", _("Complaint")
        ENQUIRY = "enquiry", _("Enquiry or suggestion")
        HANDOFF = "handoff", _("Utility hand-off")
        SERVICE = "service", _("Paid home service")
        SUGGESTION = "suggestion", _("Suggestion")

    PREFIX = {Kind.REPAIR: "BX", Kind.COMPLAINT: "TS", Kind.ENQUIRY: "ZX", Kind.HANDOFF: "DB", Kind.SERVICE: "FW",
              Kind.SUGGESTION: "JY"}

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WALK_IN = "walk_in", _("Walk-in")
        LETTER = "letter", _("Letter")
        PATROL = "patrol", _("Patrol")
        STAFF = "staff", _("Staff")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        DISPATCHED = "dispatched", _("Dispatched")
        ACCEPTED = "accepted", _("Accepted")
        ON_SITE = "on_site", _("On site")
        ON_HOLD = "on_hold", _("On hold")
        COMPLETED = "completed", pgettext_lazy("ticket", "Completed")
        ASSIGNED = "assigned", _("Assigned to a department")
        IN_PROGRESS = "in_progress", pgettext_lazy("ticket", "In progress")
        REPLIED = "replied", _("Owner answered")
        CALLBACK_DONE = "callback_done", _("Callback done")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        CANCELLED = "cancelled", _("Cancelled")
        FORWARDED = "forwarded", _("Forwarded to the provider")

    S = Status
    # kind -> status -> allowed next statuses. One table; ``repairs.services.tickets.ticket_set_status`` enforces it.
    TRANSITIONS = {
        Kind.REPAIR: {
            S.NEW: {S.DISPATCHED, S.CANCELLED},
            S.DISPATCHED: {S.ACCEPTED, S.DISPATCHED, S.ON_HOLD, S.CANCELLED},  # dispatched -> dispatched: reassign
            S.ACCEPTED: {S.ON_SITE, S.DISPATCHED, S.ON_HOLD, S.CANCELLED},
            S.ON_SITE: {S.COMPLETED, S.ON_HOLD},
            S.ON_HOLD: {S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.CANCELLED},
            S.COMPLETED: {S.CALLBACK_DONE, S.REOPENED},
            S.CALLBACK_DONE: {S.CLOSED, S.REOPENED},
            S.REOPENED: {S.DISPATCHED, S.CANCELLED},
            S.CLOSED: set(),
            S.CANCELLED: set(),
        },
        Kind.COMPLAINT: {
            S.NEW: {S.ASSIGNED, S.CANCELLED},
            S.ASSIGNED: {S.IN_PROGRESS, S.ASSIGNED, S.CANCELLED},
            S.IN_PROGRESS: {S.REPLIED, S.ON_HOLD},
            S.ON_HOLD: {S.IN_PROGRESS},
            S.REPLIED: {S.CALLBACK_DONE, S.REOPENED},
            S.CALLBACK_DONE: {S.CLOSED, S.REOPENED},
            S.REOPENED: {S.ASSIGNED},
            S.CLOSED: set(),
            S.CANCELLED: set(),
        },
        Kind.ENQUIRY: {
            S.NEW: {S.REPLIED, S.CANCELLED},
            S.REPLIED: {S.CLOSED},
            S.CLOSED: set(),
            S.CANCELLED: set(),
        },
        # 代办: filed at the desk, e-mailed to the provider within 2 days, the provider's completion recorded,
        # then the callback. Moves through ``repairs.services.handoffs``.
        Kind.HANDOFF: {
            S.NEW: {S.FORWARDED, S.CANCELLED},
            S.FORWARDED: {S.COMPLETED, S.CANCELLED},
            S.COMPLETED: {S.CALLBACK_DONE},
            S.CALLBACK_DONE: {S.CLOSED},
            S.CLOSED: set(),
            S.CANCELLED: set(),
        },
        # 有偿服务: booked at the desk, the time confirmed to the owner (with the team lead) as it is dispatched
        # (``services.home_services.service_confirm``), done by a worker, called back the same day.
        Kind.SERVICE: {
            S.NEW: {S.DISPATCHED, S.CANCELLED},
            S.DISPATCHED: {S.ACCEPTED, S.DISPATCHED, S.ON_HOLD, S.CANCELLED},
            S.ACCEPTED: {S.ON_SITE, S.DISPATCHED, S.ON_HOLD, S.CANCELLED},
            S.ON_SITE: {S.COMPLETED, S.ON_HOLD},
            S.ON_HOLD: {S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.CANCELLED},
            S.COMPLETED: {S.CALLBACK_DONE, S.REOPENED},
            S.CALLBACK_DONE: {S.CLOSED, S.REOPENED},
            S.REOPENED: {S.DISPATCHED, S.CANCELLED},
            S.CLOSED: set(),
            S.CANCELLED: set(),
        },
        # 建议: passed to the responsible department, answered, the answer given to the owner (the callback).
        Kind.SUGGESTION: {
            S.NEW: {S.ASSIGNED, S.CANCELLED},
            S.ASSIGNED: {S.REPLIED, S.ASSIGNED, S.CANCELLED},
            S.REPLIED: {S.CALLBACK_DONE, S.REOPENED},
            S.CALLBACK_DONE: {S.CLOSED, S.REOPENED},
            S.REOPENED: {S.ASSIGNED},
            S.CLOSED: set(),
            S.CANCELLED: set(),
        },
    }
    OPEN_STATUSES = {S.NEW, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.ON_HOLD, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED,
                     S.COMPLETED, S.REPLIED, S.FORWARDED}

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(_("ticket no."), max_length=20)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.REPAIR)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
                             verbose_name=_("room"))
    location = models.CharField(_("location (common area)"), max_length=100, blank=True)
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("category"))
    description = models.TextField(_("description"), max_length=2000)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    appointment_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    is_paid = models.BooleanField(_("paid repair"), default=False)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_tickets", verbose_name=_("engineer"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
                             verbose_name=_("team or department"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("received at"))
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    hold_reason = models.CharField(_("reason on hold"), max_length=200, blank=True)
    on_hold_since = models.DateTimeField(null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    # the engineer's work order (维修单)
    work_done = models.TextField(_("work done"), max_length=2000, blank=True)
    materials = models.TextField(_("materials"), max_length=1000, blank=True)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), null=True, blank=True)
    charge_amount = models.DecimalField(_("charge"), max_digits=12, decimal_places=2, null=True, blank=True)
    owner_confirmation = models.CharField(_("owner's confirmation (name)"), max_length=50, blank=True)
    owner_signature = models.TextField(_("owner's signature"), blank=True, help_text=_("An SVG path or data URL"))
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # a paid home service (kind "service"): the price list's item, how much of it, how many workers, when wanted
    service_item = models.ForeignKey("ServiceItem", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="tickets", verbose_name=_("service"))
    service_quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, null=True, blank=True)
    service_workers = models.PositiveSmallIntegerField(_("number of workers"), null=True, blank=True)
    service_wanted_at = models.DateTimeField(_("wanted time"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="ticket_unique_number"),
            models.CheckConstraint(condition=Q(unit__isnull=False) | ~Q(location=""), name="ticket_unit_or_location",
                                   violation_error_message=_("Give the room or the common-area location.")),
            models.CheckConstraint(condition=Q(charge_amount__isnull=True) | Q(charge_amount__gte=0),
                                   name="ticket_charge_not_negative"),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-created_at"], name="ticket_board_idx"),
            models.Index(fields=["community", "-last_activity_at"], name="ticket_activity_idx"),
            models.Index(fields=["community", "building", "status"], name="ticket_building_idx"),
            models.Index(fields=["unit", "-created_at"], name="ticket_unit_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            models.Index(fields=["community", "is_overdue"], condition=Q(is_overdue=True), name="ticket_overdue_idx"),
            # The board's open-ticket orderings (newest, last activity) are covering partial indexes made in
            # raw SQL by migration 0003 (ticket_open_newest_cov, ticket_open_activity_cov).
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("repairs:ticket_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def allowed_moves(self) -> set:
        return self.TRANSITIONS[self.kind].get(self.status, set())


class TicketStatusChange(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=15, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Ticket.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_change_idx")]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


# ``community`` is a copy of the ticket's (a ticket never changes community): not tracked, the event's ticket says it.
@pghistory.track(exclude=["community"])
class Clock(models.Model):
    """One deadline of a ticket. Open while ``met_at`` and ``cancelled_at`` are empty. ``community`` is always the
    ticket's (set by every writer, ``services.clocks.clock_start``): the statistics, the daily summary, the
    "today" card and the board's "due soonest" read clocks by community without joining the tickets."""

    class Kind(models.TextChoices):
        DISPATCH = "dispatch", _("Dispatch")
        ON_SITE = "on_site", _("On site (urgent)")
        APPOINTMENT = "appointment", _("Appointment")
        COMPLAINT = "complaint", _("Complaint handled")
        CALLBACK = "callback", _("Callback")
        FORWARD = "forward", _("Forwarded to the provider (2 days)")
        CONFIRM = "confirm", _("Time confirmed to the owner")

    # A missed deadline of these kinds means engineering cannot arrive in time: the desk must tell the owner.
    INFORM_OWNER_KINDS = frozenset({Kind.DISPATCH, Kind.ON_SITE, Kind.APPOINTMENT})

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="clocks")
    # indexed by migration 0011 (raw SQL, concurrently): (community, started_at) and the running clocks by community
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("clock"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    owner_informed_at = models.DateTimeField(_("owner informed at"), null=True, blank=True)
    owner_informed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    owner_informed_note = models.CharField(_("what the owner was told"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                                    name="clock_one_open_per_kind"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(met_at__isnull=True, cancelled_at__isnull=True,
                                                          paused_at__isnull=True, breached_at__isnull=True),
                         name="clock_open_due_idx"),
            models.Index(fields=["warn_at"], condition=Q(met_at__isnull=True, cancelled_at__isnull=True,
                                                           paused_at__isnull=True, warned_at__isnull=True),
                         name="clock_open_warn_idx"),
        ]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")

    def __str__(self):
        return f"{self.kind} {self.due_at}"


@pghistory.track()
class TicketPhoto(models.Model):
    class Stage(models.TextChoices):
        INTAKE = "intake", _("At intake")
        BEFORE = "before", pgettext_lazy("photo", "Before")
        AFTER = "after", pgettext_lazy("photo", "After")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.INTAKE)
    image = models.ImageField(upload_to="tickets/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ticket", "uploaded_at"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        return reverse("repairs:ticket_photo", args=[self.pk])  # never image.url: nothing serves /media/


@pghistory.track()
class Callback(models.Model):
    """回访: created when a ticket completes (or a complaint is answered), due by its deadline."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("callback", "To do")
        DONE = "done", _("Done")

    class Outcome(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        REOPEN = "reopen", _("Dissatisfied: ticket reopened")
        ESCALATE = "escalate", _("Dissatisfied: escalated to the supervisor")

    # status -> allowed next statuses; ``repairs.services.callbacks.callback_set_status`` enforces it.
    # done -> to do: the ticket was completed again after a reopen.
    TRANSITIONS = {
        Status.PENDING: {Status.DONE},
        Status.DONE: {Status.PENDING},
    }

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="callback")
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                                   name="callback_satisfaction_range"),
        ]
        indexes = [models.Index(fields=["community", "status", "due_at"], name="callback_list_idx")]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self):
        return f"{self.ticket_id}: {self.status}"


class CallbackStatusChange(models.Model):
    callback = models.ForeignKey(Callback, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Callback.Status.choices)
    to_status = models.CharField(max_length=10, choices=Callback.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["callback", "at"], name="callback_change_idx")]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class CallbackAttempt(models.Model):
    class Result(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer")
        LATER = "later", _("Call back later")
        REACHED = "reached", _("Reached")

    callback = models.ForeignKey(Callback, on_delete=models.PROTECT, related_name="attempts")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["callback", "at"]

    def __str__(self):
        return f"{self.result} {self.at}"


@pghistory.track()
class Charge(models.Model):
    """A paid repair's charge, waiting for billing to turn it into a bill (``repairs.charges``)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="charge")
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    billed_at = models.DateTimeField(null=True, blank=True)
    bill_reference = models.CharField(max_length=50, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "billed_at"], name="charge_unbilled_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="charge_positive")]

    def __str__(self):
        return f"{self.description}: {self.amount}"


@pghistory.track()
class ServiceItem(models.Model):
    """A line of the community's price list for paid home services (有偿服务价格明细表): 家居清洁 per hour,
    擦玻璃 per m², … Its price is dated (``ServicePrice``): a new price is a new row, never an edit."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="service_items")
    name = models.CharField(_("service"), max_length=50)
    unit_of_charge = models.CharField(_("unit of charge"), max_length=20, help_text=_("e.g. hour, time, m²"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="service_item_unique_name",
                                               violation_error_message=_("This service is already on the price list."))]
        verbose_name = _("paid service")
        verbose_name_plural = _("paid services")

    def __str__(self):
        return self.name


@pghistory.track()
class ServicePrice(models.Model):
    """The price of a service from ``valid_from`` until the next price's ``valid_from`` (as billing's rates)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="prices")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "valid_from"], name="service_price_unique_day",
                                    violation_error_message=_("A price for this service already starts on this day.")),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]
        verbose_name = _("service price")
        verbose_name_plural = _("service prices")

    def __str__(self):
        return f"{self.item_id}: {self.price} from {self.valid_from}"


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_filters")
    name = models.CharField(_("name"), max_length=50)
    query = models.CharField(max_length=1000)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")]

    def __str__(self):
        return self.name


# ---- utility hand-offs 代办开通 (seed 003 篇5 流程6–8) ----

@pghistory.track()
class Provider(models.Model):
    """A utility a community's desk hands applications to (网通, 有线电视, 燃气 …), with its e-mail address and
    what its application needs. Edited by supervisors and managers."""

    class Service(models.TextChoices):
        NETWORK = "network", _("Network")
        CABLE_TV = "cable_tv", _("Cable TV")
        PHONE = "phone", _("Telephone")
        GAS = "gas", _("Gas")
        OTHER = "other", _("Other")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="handoff_providers",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=50)
    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    email = models.EmailField(_("e-mail address"), max_length=254)
    requirements = models.TextField(_("what the application needs"), max_length=1000, blank=True,
                                    help_text=_("Shown to the clerk when filing: papers to collect, details to ask."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["community", "service", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="handoff_provider_unique_name",
                                               violation_error_message=_("This provider already exists."))]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self):
        return self.name


@pghistory.track()
class ProviderService(models.Model):
    """What can be asked of a provider: 开通, 资费变更, 暂停, 终止, 复机 …, each with its dated fees."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services",
                                 verbose_name=_("provider"))
    name = models.CharField(_("request type"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["provider", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="handoff_service_unique_name",
                                               violation_error_message=_("This request type already exists."))]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self):
        return self.name


@pghistory.track()
class ProviderServiceFee(models.Model):
    """The fee collected on behalf (代收) for a request type from a day on; a new price is a new row."""

    service = models.ForeignKey(ProviderService, on_delete=models.PROTECT, related_name="fees",
                                verbose_name=_("request type"))
    amount = models.DecimalField(_("fee"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("set by"))
    created_at = models.DateTimeField(_("set at"))

    class Meta:
        ordering = ["service", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "valid_from"], name="handoff_fee_unique_day",
                                    violation_error_message=_("A fee from this day is already set.")),
            models.CheckConstraint(condition=Q(amount__gte=0), name="handoff_fee_not_negative"),
        ]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self):
        return f"{self.amount} ({self.valid_from})"


@pghistory.track()
class Handoff(models.Model):
    """A hand-off ticket's application: who applied (the identity rule), to which provider for what, the ID
    copy, the fee collected on behalf, the e-mail to the provider and the provider's answer."""

    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("The owner")
        TENANT = "tenant", _("A tenant with the owner's authorisation")

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="handoff", verbose_name=_("ticket"))
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="handoffs",
                                 verbose_name=_("provider"))
    service = models.ForeignKey(ProviderService, on_delete=models.PROTECT, related_name="handoffs",
                                verbose_name=_("request type"))
    applicant_kind = models.CharField(_("applicant"), max_length=10, choices=ApplicantKind.choices)
    owner = models.ForeignKey("frontdesk.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    applicant = models.ForeignKey("frontdesk.Person", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("applicant (person)"))
    tenant_authorization = models.ForeignKey("frontdesk.TenantAuthorization", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("owner's authorisation"))
    details = models.TextField(_("application details"), max_length=2000, blank=True)
    id_copy = models.FileField(_("ID copy"), upload_to="handoffs/%Y/%m/")
    id_copy_type = models.CharField(_("ID copy file type"), max_length=30)
    fee = models.DecimalField(_("fee collected on behalf"), max_digits=10, decimal_places=2, default=0)
    billed_at = models.DateTimeField(_("billed at"), null=True, blank=True)
    bill_reference = models.CharField(_("bill"), max_length=50, blank=True)
    forwarded_at = models.DateTimeField(_("e-mailed to the provider at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("e-mailed by"))
    forward_message = models.OneToOneField("core.OutboundMessage", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("e-mail to the provider"))
    provider_reply = models.TextField(_("the provider's answer"), max_length=1000, blank=True)
    provider_reply_at = models.DateTimeField(_("answer recorded at"), null=True, blank=True)
    provider_reply_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("answer recorded by"))

    class Meta:
        indexes = [models.Index(fields=["community", "billed_at"], condition=Q(billed_at__isnull=True, fee__gt=0),
                                name="handoff_unbilled_idx")]
        constraints = [models.CheckConstraint(condition=Q(fee__gte=0), name="handoff_fee_not_negative_on_ticket")]
        verbose_name = _("utility hand-off")
        verbose_name_plural = _("utility hand-offs")

    def __str__(self):
        return f"{self.ticket_id}: {self.provider_id}/{self.service_id}"


assert {str(s) for s in Ticket.OPEN_STATUSES} == OPEN_STATUS_VALUES, "keep OPEN_STATUS_VALUES in step"
