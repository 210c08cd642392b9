"""Duty: shift templates, the monthly roster, leave and swaps, the append-only hash-chained duty log,
handovers with shared-item counts, daily supervisor sign-off and spot checks. Writes go through
``duty.services``; status moves follow each model's TRANSITIONS."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.db import append_only


@pghistory.track()
class ShiftTemplate(models.Model):
    """早班 07:30–15:30, 中班 09:30–17:30, 晚班 12:00–20:00, 24 小时 08:30–08:30 (next day)."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="shift_templates")
    code = models.CharField(_("code"), max_length=4, help_text=_("One or two letters shown in the roster grid, e.g. E."))
    name = models.CharField(_("name"), max_length=20)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"), help_text=_("At or before the start time: ends the next day."))
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "sort_order", "start_time"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="shift_template_unique_code",
                                               violation_error_message=_("This shift code is already used."))]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self):
        return f"{self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.end_time <= self.start_time


@pghistory.track()
class Roster(models.Model):
    """One month's 排班表 for a community: drafted by the supervisor, submitted to the manager by the 25th."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the manager")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.APPROVED: set(),
    }

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="rosters")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    manager_comment = models.TextField(_("manager's comment"), max_length=1000, blank=True)
    reminder_20_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_24_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="roster_one_per_month",
                                    violation_error_message=_("There is already a roster for this month.")),
            models.CheckConstraint(condition=Q(month__day=1), name="roster_month_first_day"),
        ]
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")

    def __str__(self):
        return f"{self.month:%Y-%m}"

    @property
    def submission_deadline(self):
        """The 25th of the month before."""
        import datetime

        previous = self.month - datetime.timedelta(days=1)
        return previous.replace(day=25)


class RosterStatusChange(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Roster.Status.choices)
    to_status = models.CharField(max_length=10, choices=Roster.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


@pghistory.track()
class Assignment(models.Model):
    """A staff member on a shift on a day. Leave and swaps never edit one: they deactivate it and add
    the replacement, pointing at the approved request."""

    class Origin(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SWAP = "swap", _("Swap")
        COVER = "cover", _("Cover for leave")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    date = models.DateField(_("date"))
    shift = models.ForeignKey(ShiftTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("shift"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PLANNED)
    is_active = models.BooleanField(default=True)
    change_request = models.ForeignKey("ShiftChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["date", "starts_at", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "shift"], condition=Q(is_active=True),
                                    name="assignment_one_active_per_shift",
                                    violation_error_message=_("This person is already on this shift that day.")),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="assignment_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["community", "starts_at"], name="assignment_when_idx"),
            models.Index(fields=["roster", "user", "date"], name="assignment_grid_idx"),
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.date} {timezone.localtime(self.starts_at):%H:%M}–{timezone.localtime(self.ends_at):%H:%M}"


@pghistory.track()
class ShiftChangeRequest(models.Model):
    """调休/请假 (leave) or 换班 (swap): asked at least a day ahead, approved by the supervisor."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SWAP = "swap", _("Swap")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.CANCELLED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
    }

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+", verbose_name=_("shift"))
    counterpart_assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("swap with"))
    cover_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("covered by"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("leave or swap request")
        verbose_name_plural = _("leave and swap requests")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.reason}"


class DutyLogChain(models.Model):
    """The head of a community's duty-log chain: locked to number entries gaplessly and link hashes."""

    community = models.OneToOneField("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"#{self.last_seq}"


@pgtrigger.register(*append_only("duty_log"))
class DutyLogEntry(models.Model):
    """One line of the 值班记录. Append-only at the database; a correction is a new entry that
    references the one it corrects. Each entry carries a hash over its content and the previous
    entry's hash, so an altered or removed row breaks the chain (``duty.services.log.verify_chain``)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        VISIT = "visit", _("Visit")
        HELP = "help", _("Request for help")
        INCIDENT = "incident", _("Incident")
        PATROL = "patrol", _("Patrol")
        HANDOVER = "handover", _("Handover")
        OTHER = "other", _("Other")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField(_("no."))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("recorded by"))
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField(_("time"))
    recorded_at = models.DateTimeField(_("recorded at"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    content = models.TextField(_("content"), max_length=4000)
    handling = models.TextField(_("handling"), max_length=4000, blank=True)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    important = models.BooleanField(_("important"), default=False,
                                    help_text=_("An important unfinished job blocks the handover."))
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("room"))
    reference = models.CharField(_("reference"), max_length=50, blank=True, help_text=_("e.g. a ticket number"))
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("corrects entry"))
    follow_up_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups",
                                     verbose_name=_("follows up entry"))
    closes_follow_up = models.BooleanField(_("closes the follow-up"), default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["community", "seq"]
        constraints = [models.UniqueConstraint(fields=["community", "seq"], name="duty_log_unique_seq")]
        indexes = [
            models.Index(fields=["community", "occurred_at"], name="duty_log_when_idx"),
            models.Index(fields=["community", "follow_up_needed"], condition=Q(follow_up_needed=True),
                         name="duty_log_open_follow_ups_idx"),
        ]
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")

    def __str__(self):
        return f"#{self.seq} {self.get_kind_display()}"


@pghistory.track()
class SharedItem(models.Model):
    """Things on the desk counted at every handover: radios, keys, the cash float…"""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("item"), max_length=50)
    expected_count = models.PositiveIntegerField(_("count"), default=1)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["community", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="shared_item_unique_name",
                                               violation_error_message=_("This item is already on the list."))]
        verbose_name = _("shared item")
        verbose_name_plural = _("shared items")

    def __str__(self):
        return self.name


@pghistory.track()
class Handover(models.Model):
    """交接班: the outgoing clerk hands over; the incoming one counts the items, takes over the pending
    work; both sign with their password. Until the incoming clerk signs, the outgoing shift is not released."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        COMPLETED = "completed", _("Completed")

    TRANSITIONS = {Status.OPEN: {Status.COMPLETED}, Status.COMPLETED: set()}

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    outgoing = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("outgoing"))
    incoming = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("incoming"))
    outgoing_assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    incoming_assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(_("started at"))
    last_entry_seq = models.PositiveBigIntegerField(_("log read up to"), default=0)
    incoming_late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    outgoing_signed_at = models.DateTimeField(null=True, blank=True)
    incoming_signed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    override_reason = models.CharField(_("override reason"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["community"], condition=Q(status="open"), name="handover_one_open",
                                    violation_error_message=_("A handover is already in progress.")),
        ]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self):
        return f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


@pghistory.track()
class HandoverItemCount(models.Model):
    class Condition(models.TextChoices):
        OK = "ok", _("OK")
        MISSING = "missing", _("Missing")
        DAMAGED = "damaged", _("Damaged")

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="item_counts")
    item = models.ForeignKey(SharedItem, on_delete=models.PROTECT, related_name="+")
    expected = models.PositiveIntegerField(_("expected"))
    counted = models.PositiveIntegerField(_("counted"))
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, default=Condition.OK)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["handover", "item__sort_order"]
        constraints = [models.UniqueConstraint(fields=["handover", "item"], name="handover_item_once")]

    def __str__(self):
        return f"{self.counted}/{self.expected} ({self.get_condition_display()})"


@pghistory.track()
class HandoverPendingItem(models.Model):
    """An open follow-up of the outgoing shift, taken over (or not) by the incoming clerk."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="pending_items")
    entry = models.ForeignKey(DutyLogEntry, on_delete=models.PROTECT, related_name="+")
    important = models.BooleanField(default=False)
    taken_over = models.BooleanField(_("taken over"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["handover", "entry__seq"]
        constraints = [models.UniqueConstraint(fields=["handover", "entry"], name="handover_pending_once")]

    def __str__(self):
        return str(self.entry)


@pghistory.track()
class HandoverRegisterLine(models.Model):
    """A line of the counter's registers at the moment the handover started (a visitor still on site, a
    key out, a parcel waiting, a slip issued today), snapshotted from ``frontdesk.registry``'s handover
    sources. Lines of a source that asks for it (keys out) are confirmed by the incoming clerk."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="register_lines")
    source = models.CharField(_("register key"), max_length=40)
    label = models.CharField(_("register"), max_length=60)
    text = models.CharField(_("item"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    sort = models.PositiveIntegerField(_("order"), default=0)
    confirm_required = models.BooleanField(_("to confirm"), default=False)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["handover", "sort"]

    def __str__(self):
        return f"{self.label}: {self.text}"


@pgtrigger.register(*append_only("daily_review"))
class DailyReview(models.Model):
    """The supervisor read and signed a day's log. Written once."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed at"))
    last_entry_seq = models.PositiveBigIntegerField(_("log read up to"))
    comment = models.TextField(_("comment"), max_length=4000, blank=True)

    class Meta:
        ordering = ["community", "-date"]
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="daily_review_once",
                                               violation_error_message=_("This day has already been signed."))]
        verbose_name = _("daily review")
        verbose_name_plural = _("daily reviews")

    def __str__(self):
        return f"{self.date}"


@pghistory.track()
class SpotCheck(models.Model):
    """抽查 of the front desk against the ten-item checklist a)–j) below (at least three a week per community)."""

    ITEMS = [
        ("a", _("Appearance and conduct")),
        ("b", _("Duty log")),
        ("c", _("Desk environment")),
        ("d", _("Service attitude and skill")),
        ("e", _("Handover")),
        ("f", _("Customer information")),
        ("g", _("Complaints and suggestions")),
        ("h", _("Pending items")),
        ("i", _("Paid and convenience services")),
        ("j", _("Other ad-hoc matters")),
    ]

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"))
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("checked by"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("clerk on duty"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["community", "checked_at"], name="spot_check_when_idx")]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")

    def __str__(self):
        return f"{timezone.localtime(self.checked_at):%Y-%m-%d %H:%M}"


@pghistory.track()
class SpotCheckResult(models.Model):
    class Result(models.TextChoices):
        OK = "ok", _("Conforms")
        NONCONFORMING = "nonconforming", _("Nonconforming")
        NOT_SEEN = "na", _("Not checked")

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="results")
    item = models.CharField(_("item"), max_length=1, choices=SpotCheck.ITEMS)
    result = models.CharField(_("result"), max_length=15, choices=Result.choices, default=Result.OK)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["spot_check", "item"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "item"], name="spot_check_item_once")]

    def __str__(self):
        return f"{self.get_item_display()}: {self.get_result_display()}"


@pghistory.track()
class Nonconformity(models.Model):
    """不合格项, recorded in the 质量检查记录 and tracked until corrected; feeds the monthly appraisal."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("nonconformity", "Open")
        CORRECTED = "corrected", _("Corrected")

    TRANSITIONS = {Status.OPEN: {Status.CORRECTED}, Status.CORRECTED: set()}

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="nonconformities")
    item = models.CharField(_("item"), max_length=1, choices=SpotCheck.ITEMS)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("clerk"))
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    corrective_action = models.TextField(_("corrective action"), max_length=2000, blank=True)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["status", "-id"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")

    def __str__(self):
        return f"{self.get_item_display()} ({self.get_status_display()})"
