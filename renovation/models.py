"""Models of the renovation app (装修管理): the application (装修申请), its one status table and the
status-change rows, attachments, the engineering review and the manager's approval, the fees billed
through billing's interface, and the permit (装修许可证). Depends on frontdesk (units, people) and core,
never the reverse; billing only through ``billing.interface``.

The status is written only by ``renovation.services.applications.renovation_set_status`` and follows
``Renovation.TRANSITIONS``; every move leaves a ``RenovationStatusChange`` row (append-only)."""

import secrets

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.db import append_only

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def new_permit_token() -> str:
    """The unguessable token the permit's QR code carries (never the id)."""
    return secrets.token_urlsafe(24)


class Scope(models.TextChoices):
    """The scope of works checklist (装修项目)."""

    PLUMBING_WIRING = "plumbing_wiring", _("Plumbing and wiring")
    WALLS = "walls", _("Walls")
    FLOORS = "floors", _("Floors")
    CEILINGS = "ceilings", _("Ceilings")
    DOORS_WINDOWS = "doors_windows", _("Doors and windows")
    WATERPROOFING = "waterproofing", _("Waterproofing")
    OTHER = "other", pgettext_lazy("renovation scope", "Other")


@pghistory.track()
class Renovation(models.Model):
    """装修申请: one application for a unit, from filing to the closed case."""

    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("Owner")
        LEAD = "lead", _("Renovation lead authorised by the owner")
        TENANT = "tenant", _("Tenant with the owner's written consent")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ENGINEERING = "engineering", _("Engineering review")
        MANAGER = "manager", _("Awaiting manager approval")
        PAYMENT = "payment", _("Awaiting payment")
        IN_PROGRESS = "in_progress", _("Under renovation (permit issued)")
        ACCEPTANCE = "acceptance", _("Awaiting acceptance")
        ACCEPTANCE_FAILED = "acceptance_failed", _("Acceptance failed")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", pgettext_lazy("renovation", "Closed")
        REJECTED = "rejected", pgettext_lazy("renovation", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("renovation", "Withdrawn")

    S = Status
    # status -> the statuses it may move to. One table; ``services.applications.renovation_set_status`` enforces it.
    TRANSITIONS = {
        S.PENDING: {S.ENGINEERING, S.REJECTED, S.WITHDRAWN},
        S.ENGINEERING: {S.MANAGER, S.PENDING, S.REJECTED, S.WITHDRAWN},  # -> pending: returned to the applicant
        S.MANAGER: {S.PAYMENT, S.ENGINEERING, S.REJECTED, S.WITHDRAWN},  # -> engineering: sent back for review
        S.PAYMENT: {S.IN_PROGRESS, S.WITHDRAWN},  # -> in progress: fees and deposit paid, permit issued
        S.IN_PROGRESS: {S.ACCEPTANCE},
        S.ACCEPTANCE: {S.ACCEPTED, S.ACCEPTANCE_FAILED},
        S.ACCEPTANCE_FAILED: {S.IN_PROGRESS},  # rectification, then acceptance again
        S.ACCEPTED: {S.CLOSED},  # deposit settled
        S.CLOSED: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }
    # moves that need a reason in the status-change row
    REASON_REQUIRED = {S.REJECTED, S.WITHDRAWN, S.ACCEPTANCE_FAILED}
    FINISHED_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.WITHDRAWN})
    OPEN_STATUSES = frozenset(set(S) - FINISHED_STATUSES)
    # the permit has been issued and the works are on site: the unit shows 装修中
    ACTIVE_STATUSES = frozenset({S.IN_PROGRESS, S.ACCEPTANCE, S.ACCEPTANCE_FAILED})
    LONG_PERIOD_DAYS = 92  # more than about three months needs a reason

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, related_name="renovations",
                             verbose_name=_("room"))
    number = models.CharField(_("application no."), max_length=20)
    applicant_kind = models.CharField(_("applicant"), max_length=10, choices=ApplicantKind.choices)
    owner = models.ForeignKey("frontdesk.Person", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    applicant = models.ForeignKey("frontdesk.Person", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("applicant (person)"),
                                  help_text=_("The owner or the tenant; empty for a renovation lead."))
    tenant_authorization = models.ForeignKey("frontdesk.TenantAuthorization", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("tenant authorisation"))
    owner_consent_ref = models.CharField(_("owner's written authorisation"), max_length=100, blank=True,
                                         help_text=_("Reference or date of the owner's signed authorisation letter."))
    company = models.CharField(_("renovation company"), max_length=100)
    lead_name = models.CharField(_("renovation lead"), max_length=50)
    lead_phone = models.CharField(_("lead's phone"), max_length=20)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    long_period_reason = models.CharField(_("reason for a period over three months"), max_length=200, blank=True)
    scope = ArrayField(models.CharField(max_length=20, choices=Scope.choices), verbose_name=_("scope of works"))
    scope_text = models.TextField(_("works in detail"), max_length=2000, blank=True)
    agreement_accepted_at = models.DateTimeField(_("agreement accepted at"))
    agreement_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                              verbose_name=_("agreement recorded by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    engineering_conditions = models.TextField(_("engineering conditions"), max_length=2000, blank=True)
    # the permit (装修许可证): numbered per community and year without gaps (core.numbering)
    permit_year = models.PositiveSmallIntegerField(null=True, blank=True)
    permit_seq = models.PositiveIntegerField(null=True, blank=True)
    permit_number = models.CharField(_("permit no."), max_length=20, blank=True)
    permit_token = models.CharField(max_length=64, unique=True, default=new_permit_token, editable=False)
    permit_valid_from = models.DateField(_("permit valid from"), null=True, blank=True)
    permit_valid_to = models.DateField(_("permit valid to"), null=True, blank=True)
    permit_issued_at = models.DateTimeField(_("permit issued at"), null=True, blank=True)
    permit_issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("filed by"))
    created_at = models.DateTimeField(_("filed at"))
    status_changed_at = models.DateTimeField(_("status since"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=~Q(status__in=["closed", "rejected", "withdrawn"]),
                name="renovation_one_open_per_unit",
                violation_error_message=_("This room already has an open renovation application.")),
            models.UniqueConstraint(fields=["community", "number"], name="renovation_unique_number"),
            models.UniqueConstraint(fields=["community", "permit_year", "permit_seq"],
                                    condition=Q(permit_seq__isnull=False), name="renovation_unique_permit"),
            models.CheckConstraint(condition=Q(planned_end__gt=F("planned_start")), name="renovation_dates_ordered",
                                   violation_error_message=_("The end date must be after the start date.")),
            models.CheckConstraint(
                condition=Q(permit_valid_from__isnull=True) | Q(permit_valid_to__gte=F("permit_valid_from")),
                name="renovation_permit_dates_ordered"),
            models.CheckConstraint(condition=~Q(applicant_kind="tenant") | Q(tenant_authorization__isnull=False),
                                   name="renovation_tenant_authorised",
                                   violation_error_message=_("A tenant needs the owner's written authorisation.")),
            models.CheckConstraint(condition=~Q(applicant_kind="lead") | ~Q(owner_consent_ref=""),
                                   name="renovation_lead_authorised",
                                   violation_error_message=_("Record the owner's written authorisation.")),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "engineering", "manager", "payment", "rejected", "withdrawn"])
                | ~Q(permit_number=""), name="renovation_active_has_permit"),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-created_at"], name="renovation_list_idx"),
            models.Index(fields=["unit", "-created_at"], name="renovation_unit_idx"),
            models.Index(fields=["community", "permit_valid_to"],
                         condition=Q(status__in=["in_progress", "acceptance", "acceptance_failed"]),
                         name="renovation_active_idx"),
        ]
        verbose_name = _("renovation")
        verbose_name_plural = _("renovations")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("renovation:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_active(self) -> bool:
        """The permit is issued and the works are on site (装修中)."""
        return self.status in self.ACTIVE_STATUSES

    def allowed_moves(self) -> set:
        return self.TRANSITIONS.get(self.status, set())

    def scope_labels(self) -> list:
        labels = dict(Scope.choices)
        return [labels.get(s, s) for s in self.scope]


@pgtrigger.register(*append_only("renovation_status_change"))
class RenovationStatusChange(models.Model):
    """One move of an application's status: who, when, from, to, why. Append-only (migration trigger)."""

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Renovation.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Renovation.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["renovation", "at"], name="renovation_change_idx")]
        verbose_name = _("renovation status change")
        verbose_name_plural = _("renovation status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


@pghistory.track()
class RenovationAttachment(models.Model):
    """A drawing, the signed 承诺书 or another paper of the application: PDF, JPEG or PNG up to 10 MB,
    stored outside any public URL and served by the scoped view ``renovation:attachment``."""

    class Kind(models.TextChoices):
        DRAWING = "drawing", _("Drawing")
        UNDERTAKING = "undertaking", _("Signed undertaking (承诺书)")
        AUTHORISATION = "authorisation", _("Owner's authorisation letter")
        OTHER = "other", pgettext_lazy("attachment", "Other")

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="renovation/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["renovation", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0, size__lte=ATTACHMENT_MAX_BYTES),
                                   name="renovation_attachment_size"),
            models.CheckConstraint(condition=Q(content_type__in=list(ATTACHMENT_TYPES)),
                                   name="renovation_attachment_type"),
        ]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("renovation:attachment", args=[self.pk])  # never file.url: nothing serves /media/


@pghistory.track()
class RenovationReview(models.Model):
    """工程审核 (engineering review: comments, conditions) and 经理审批 (the manager's approval)."""

    class Stage(models.TextChoices):
        ENGINEERING = "engineering", _("Engineering review")
        MANAGER = "manager", _("Manager approval")

    class Decision(models.TextChoices):
        PASS = "pass", _("Passed")
        RETURN = "return", _("Returned")
        REJECT = "reject", pgettext_lazy("review", "Rejected")

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comments = models.TextField(_("comments"), max_length=2000, blank=True)
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["renovation", "at", "id"]
        indexes = [models.Index(fields=["renovation", "at"], name="renovation_review_idx")]
        verbose_name = _("renovation review")
        verbose_name_plural = _("renovation reviews")

    def __str__(self):
        return f"{self.stage}: {self.decision}"


@pghistory.track()
class RenovationFee(models.Model):
    """A fee of the application billed through billing's interface (a charge source per kind): the
    management fee, rubbish removal, and renovation water/electricity where the community sets them.
    ``billed_at``/``bill_reference`` are set when billing has put it on a bill."""

    class Kind(models.TextChoices):
        MANAGEMENT = "management", _("Renovation management fee")
        RUBBISH = "rubbish", _("Rubbish removal fee")
        WATER = "water", _("Renovation water")
        ELECTRICITY = "electricity", _("Renovation electricity")

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="fees")
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("fee"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    billed_at = models.DateTimeField(null=True, blank=True)
    bill_reference = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["renovation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["renovation", "kind"], name="renovation_fee_once_per_kind"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="renovation_fee_positive"),
        ]
        indexes = [models.Index(fields=["community", "kind"], condition=Q(billed_at__isnull=True),
                                name="renovation_fee_unbilled_idx")]
        verbose_name = _("renovation fee")
        verbose_name_plural = _("renovation fees")

    def __str__(self):
        return f"{self.kind}: {self.amount}"


# ---- hotwork and lifts (R4: 动火许可证, 使用楼梯/电梯申请) ----
from django.contrib.postgres.constraints import ExclusionConstraint  # noqa: E402
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators  # noqa: E402
from django.db.models import Func  # noqa: E402


class TsTzRange(Func):
    """``tstzrange(starts_at, ends_at)`` (half-open): the slot the exclusion constraint compares."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


HOTWORK_FILE_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
HOTWORK_FILE_MAX_BYTES = 10 * 1024 * 1024


@pghistory.track()
class HotWorkPermit(models.Model):
    """动火许可证: welding or cutting on a renovation site, for one day's time window. Reviewed by
    engineering AND safety (two different people), approved by the manager, numbered and printed; it
    expires at the window's end (beat task ``renovation.tasks.hotwork_sweep``) and is closed out by a
    check that the site was left safe. The status is written only by
    ``services.hotwork.hotwork_set_status`` following ``TRANSITIONS``; every move leaves a
    ``HotWorkStatusChange`` row."""

    class Status(models.TextChoices):
        REVIEW = "review", _("Engineering and safety review")
        APPROVAL = "approval", _("Awaiting manager approval")
        ISSUED = "issued", _("Permit issued")
        EXPIRED = "expired", _("Expired (awaiting close-out)")
        CLOSED = "closed", _("Closed out, site left safe")
        REJECTED = "rejected", pgettext_lazy("hot work", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("hot work", "Withdrawn")

    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("Owner")
        LEAD = "lead", _("Renovation lead")

    S = Status
    TRANSITIONS = {
        S.REVIEW: {S.APPROVAL, S.REJECTED, S.WITHDRAWN},  # -> approval: both reviews passed
        S.APPROVAL: {S.ISSUED, S.REJECTED, S.WITHDRAWN},  # -> issued: the manager approved, number given
        S.ISSUED: {S.EXPIRED, S.CLOSED},  # -> closed: close-out before the window ended
        S.EXPIRED: {S.CLOSED},
        S.CLOSED: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }
    REASON_REQUIRED = {S.REJECTED, S.WITHDRAWN}
    OPEN_STATUSES = frozenset({S.REVIEW, S.APPROVAL, S.ISSUED, S.EXPIRED})
    REMIND_BEFORE_MINUTES = 30  # the window-ending reminder

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="hotwork_permits",
                                   verbose_name=_("renovation"))
    applicant_kind = models.CharField(_("applicant"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=50)
    location = models.CharField(_("location of the hot work"), max_length=200)
    work = models.CharField(_("work to be done"), max_length=200)
    work_date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    starts_at = models.DateTimeField(_("window starts"))
    ends_at = models.DateTimeField(_("window ends"))
    welder_name = models.CharField(_("welder"), max_length=50)
    welder_certificate_no = models.CharField(_("welder's certificate no."), max_length=50)
    fire_watcher_name = models.CharField(_("fire watcher"), max_length=50)
    fire_watcher_phone = models.CharField(_("fire watcher's phone"), max_length=20)
    extinguishers_checked = models.BooleanField(_("extinguishers checked"), default=False)
    extinguisher_count = models.PositiveSmallIntegerField(_("number of extinguishers"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REVIEW)
    engineering_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("engineering review by"))
    engineering_at = models.DateTimeField(_("engineering review at"), null=True, blank=True)
    engineering_comments = models.CharField(_("engineering comments"), max_length=500, blank=True)
    safety_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("safety review by"))
    safety_at = models.DateTimeField(_("safety review at"), null=True, blank=True)
    safety_comments = models.CharField(_("safety comments"), max_length=500, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    seq = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("permit no."), max_length=20, blank=True)
    closeout_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("close-out checked by"))
    closeout_at = models.DateTimeField(_("close-out checked at"), null=True, blank=True)
    closeout_note = models.CharField(_("close-out note"), max_length=500, blank=True)
    end_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("filed by"))
    created_at = models.DateTimeField(_("filed at"))
    status_changed_at = models.DateTimeField(_("status since"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="hotwork_window_ordered",
                                   violation_error_message=_("The window must end after it starts.")),
            models.CheckConstraint(condition=Q(extinguishers_checked=True, extinguisher_count__gt=0),
                                   name="hotwork_extinguishers_checked"),
            models.UniqueConstraint(fields=["community", "year", "seq"], condition=Q(seq__isnull=False),
                                    name="hotwork_unique_number"),
            models.CheckConstraint(condition=Q(status__in=["review", "approval", "rejected", "withdrawn"])
                                   | ~Q(number=""), name="hotwork_issued_has_number"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closeout_at__isnull=False),
                                   name="hotwork_closed_has_closeout"),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-starts_at"], name="hotwork_list_idx"),
            models.Index(fields=["ends_at"], condition=Q(status="issued"), name="hotwork_issued_end_idx"),
        ]
        verbose_name = _("hot-work permit")
        verbose_name_plural = _("hot-work permits")

    def __str__(self):
        return self.number or str(_("hot-work application"))

    def get_absolute_url(self):
        return reverse("renovation:hotwork_detail", args=[self.pk])

    def allowed_moves(self) -> set:
        return self.TRANSITIONS.get(self.status, set())

    def shown_status(self, now) -> str:
        """The status as the page shows it: an issued permit whose window has passed is expired even
        before the beat task has moved it."""
        if self.status == self.S.ISSUED and self.ends_at <= now:
            return self.S.EXPIRED
        return self.status

    def shown_status_label(self, now) -> str:
        return self.S(self.shown_status(now)).label


@pgtrigger.register(*append_only("reno_hotwork_change"))
class HotWorkStatusChange(models.Model):
    """One move of a hot-work permit's status. ``actor`` empty: the system (the automatic expiry)."""

    permit = models.ForeignKey(HotWorkPermit, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=HotWorkPermit.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=HotWorkPermit.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["permit", "at"], name="hotwork_change_idx")]
        verbose_name = _("hot-work status change")
        verbose_name_plural = _("hot-work status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


@pghistory.track()
class HotWorkAttachment(models.Model):
    """The welder's certificate and ID card copies (personal data): stored outside any public URL,
    served only by the scoped, logged view ``renovation:hotwork_file``."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Welder's certificate copy")
        ID_COPY = "id_copy", _("Welder's ID card copy")

    permit = models.ForeignKey(HotWorkPermit, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="renovation/hotwork/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["permit", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0, size__lte=HOTWORK_FILE_MAX_BYTES),
                                   name="hotwork_attachment_size"),
            models.CheckConstraint(condition=Q(content_type__in=list(HOTWORK_FILE_TYPES)),
                                   name="hotwork_attachment_type"),
        ]
        verbose_name = _("hot-work attachment")
        verbose_name_plural = _("hot-work attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("renovation:hotwork_file", args=[self.pk])


@pghistory.track()
class Lift(models.Model):
    """A lift or staircase of a building that may be booked for moving materials (kept by the manager;
    taken out of use, never deleted)."""

    class Kind(models.TextChoices):
        PASSENGER = "passenger", _("Passenger lift")
        FREIGHT = "freight", _("Freight lift")
        FIRE = "fire", _("Fire lift")
        STAIRS = "stairs", _("Staircase")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, related_name="lifts",
                                 verbose_name=_("building"))
    name = models.CharField(_("name"), max_length=30, help_text=_("As signed on site, e.g. Lift 2 or East stairs."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["building__sort_order", "building__name", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="lift_unique_name",
                                               violation_error_message=_("This building already has a lift with this name."))]
        verbose_name = _("lift or staircase")
        verbose_name_plural = _("lifts and staircases")

    def __str__(self):
        return self.name

    @property
    def is_fire_lift(self) -> bool:
        return self.kind == self.Kind.FIRE


@pghistory.track()
class LiftBooking(models.Model):
    """使用楼梯/电梯申请: a slot on one lift or staircase for moving materials. Only the owner or the
    renovation lead may apply, with the signed undertaking (承诺书); the fire lift needs the engineering
    review and then the duty manager's approval first (seed 003 流程 12c: 工程主管审核, 当值管理员审批).
    The slot is held from filing: two bookings of one lift never overlap (an exclusion
    constraint on ``tstzrange(starts_at, ends_at)``). Status written only by
    ``services.lifts.booking_set_status`` following ``TRANSITIONS``."""

    class Status(models.TextChoices):
        REVIEW = "review", _("Awaiting engineering review")
        APPROVAL = "approval", _("Awaiting the duty manager's approval")
        BOOKED = "booked", _("Booked")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", pgettext_lazy("lift booking", "Cancelled")

    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("Owner")
        LEAD = "lead", _("Renovation lead")

    S = Status
    TRANSITIONS = {
        S.REVIEW: {S.APPROVAL, S.REFUSED, S.CANCELLED},  # -> approval: engineering passed (fire lift)
        S.APPROVAL: {S.BOOKED, S.REFUSED, S.CANCELLED},
        S.BOOKED: {S.CANCELLED},
        S.REFUSED: set(),
        S.CANCELLED: set(),
    }
    REASON_REQUIRED = {S.REFUSED, S.CANCELLED}
    HOLDING_STATUSES = ("review", "approval", "booked")  # these hold the slot

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    lift = models.ForeignKey(Lift, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("lift"))
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("room"))
    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("renovation"))
    applicant_kind = models.CharField(_("applicant"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=50)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20)
    items = models.CharField(_("what is carried"), max_length=200)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    undertaking_received_at = models.DateTimeField(_("undertaking received at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    engineering_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("engineering review by"))
    engineering_at = models.DateTimeField(_("engineering review at"), null=True, blank=True)
    engineering_comments = models.CharField(_("engineering comments"), max_length=500, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("filed by"))
    created_at = models.DateTimeField(_("filed at"))
    status_changed_at = models.DateTimeField(_("status since"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lift_booking_ordered",
                                   violation_error_message=_("The slot must end after it starts.")),
            ExclusionConstraint(
                name="lift_booking_no_overlap",
                expressions=[(TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                             ("lift", RangeOperators.EQUAL)],
                condition=Q(status__in=["review", "approval", "booked"]),
                violation_error_message=_("This lift is already booked for part of that time.")),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-starts_at"], name="lift_booking_list_idx"),
            models.Index(fields=["lift", "starts_at"], name="lift_booking_day_idx"),
        ]
        verbose_name = _("lift or stair booking")
        verbose_name_plural = _("lift and stair bookings")

    def __str__(self):
        return f"{self.lift} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("renovation:lift_booking_detail", args=[self.pk])

    def allowed_moves(self) -> set:
        return self.TRANSITIONS.get(self.status, set())


@pgtrigger.register(*append_only("reno_lift_change"))
class LiftBookingStatusChange(models.Model):
    booking = models.ForeignKey(LiftBooking, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=LiftBooking.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=LiftBooking.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["booking", "at"], name="lift_booking_change_idx")]
        verbose_name = _("lift booking status change")
        verbose_name_plural = _("lift booking status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"
