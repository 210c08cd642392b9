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
        ACCEPTED = "accepted", pgettext_lazy("renovation", "Accepted")  # 验收通过 (a ticket's "Accepted" is 已接单)
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
    description = models.CharField(_("text on the bill"), max_length=200)
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


# ---- passes, extensions, additional works (装修人员出入证, 装修延期, 增加项目) ----
# Seed 003 篇5 流程 2–4: a pass for everyone working more than a day (deposit 100 元 and card fee 5 元 per
# person, paid through billing first; the lead signs the register 签收人); an extension re-issues every
# pass (never a date written over on a card); additional works are reviewed, approved and a copy archived.

PASS_DEPOSIT = "100.00"  # 办证押金 per person (billing's worker-pass deposit)
PASS_CARD_FEE = "5.00"  # 工本费 per person (a charge source line)
PASS_PHOTO_MAX_BYTES = 5 * 1024 * 1024
PASS_FILE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
PASS_LIVE_STATUSES = ("awaiting_payment", "paid", "issued")


def new_pass_token() -> str:
    """The unguessable token a pass card's QR code carries (never the id or the number)."""
    return secrets.token_urlsafe(24)


class Trade(models.TextChoices):
    """工种 of a worker."""

    ELECTRICIAN = "electrician", _("Electrician")
    PLUMBER = "plumber", _("Plumber")
    CARPENTER = "carpenter", _("Carpenter")
    MASON = "mason", _("Mason / tiler")
    PAINTER = "painter", _("Painter")
    WELDER = "welder", _("Welder")
    LABOURER = "labourer", _("Labourer")
    OTHER = "other", pgettext_lazy("trade", "Other")


# The pass's validity never goes beyond its permit's end: checked by the database on every write of a pass,
# and a permit's end may not move before a live pass's end (the triggers below).
_PASS_WITHIN_PERMIT = (
    "IF NEW.valid_to > COALESCE((SELECT r.permit_valid_to FROM renovation_renovation r "
    "WHERE r.id = NEW.renovation_id), DATE '-infinity') THEN "
    "RAISE EXCEPTION 'worker pass % valid to % is beyond the permit''s end', NEW.number, NEW.valid_to "
    "USING ERRCODE = 'check_violation'; END IF; RETURN NEW;"
)
_PERMIT_COVERS_PASSES = (
    "IF EXISTS (SELECT 1 FROM renovation_workerpass p WHERE p.renovation_id = NEW.id "
    "AND p.status IN ('awaiting_payment', 'paid', 'issued') "
    "AND (NEW.permit_valid_to IS NULL OR p.valid_to > NEW.permit_valid_to)) THEN "
    "RAISE EXCEPTION 'permit % would end before a live worker pass', NEW.permit_number "
    "USING ERRCODE = 'check_violation'; END IF; RETURN NEW;"
)
pgtrigger.register(pgtrigger.Trigger(
    name="renovation_permit_covers_passes", operation=pgtrigger.UpdateOf("permit_valid_to"), when=pgtrigger.Before,
    condition=pgtrigger.Condition("OLD.permit_valid_to IS DISTINCT FROM NEW.permit_valid_to"),
    func=_PERMIT_COVERS_PASSES))(Renovation)


@pghistory.track()
@pgtrigger.register(pgtrigger.Trigger(name="worker_pass_within_permit", operation=pgtrigger.Insert | pgtrigger.Update,
                                      when=pgtrigger.Before, func=_PASS_WITHIN_PERMIT))
class WorkerPass(models.Model):
    """装修人员出入证: one card for one worker of one renovation, numbered per community and year. A pass
    is never edited once issued: an extension re-issues it (``replaces``) and revokes the old one."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting deposit and card fee")
        PAID = "paid", _("Paid, awaiting issue")
        ISSUED = "issued", _("Issued")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Lost")
        REVOKED = "revoked", _("Revoked")
        CANCELLED = "cancelled", pgettext_lazy("worker pass", "Cancelled")

    S = Status
    TRANSITIONS = {
        S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED},
        S.PAID: {S.ISSUED},
        S.ISSUED: {S.RETURNED, S.LOST, S.REVOKED},  # revoked: re-issued by an extension
        S.RETURNED: set(),
        S.LOST: set(),
        S.REVOKED: set(),
        S.CANCELLED: set(),
    }
    REASON_REQUIRED = {S.LOST, S.REVOKED, S.CANCELLED}

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="passes",
                                   verbose_name=_("renovation"))
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("pass no."), max_length=20)
    token = models.CharField(max_length=64, unique=True, default=new_pass_token, editable=False)
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20)
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices)
    photo = models.FileField(_("photo"), upload_to="renovation/passes/%Y/%m/", max_length=200)
    id_copy = models.FileField(_("ID copy"), upload_to="renovation/passes/%Y/%m/", max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT)
    status_changed_at = models.DateTimeField(_("status since"))
    # billing: the deposit (billing's Deposit id, carried to a re-issued pass) and the receipts
    deposit_id = models.PositiveIntegerField(null=True, blank=True)
    deposit_receipt = models.CharField(_("deposit receipt"), max_length=30, blank=True)
    fee_receipt = models.CharField(_("card fee receipt"), max_length=30, blank=True)
    fee_bill = models.CharField(max_length=50, blank=True)  # billing's bill of the card fee, once billed
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    received_by = models.CharField(_("received by (signature)"), max_length=50, blank=True,
                                   help_text=_("The renovation lead who signed the register for the card."))
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("re-issue of"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("ended by"))
    end_note = models.CharField(_("note"), max_length=300, blank=True)
    deposit_kept = models.BooleanField(_("deposit kept"), default=False)
    refund_request_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "seq"], name="worker_pass_unique_number"),
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="worker_pass_dates_ordered",
                                   violation_error_message=_("The end date must not be before the start date.")),
            models.CheckConstraint(condition=~Q(status__in=["issued", "returned", "lost", "revoked"])
                                   | Q(issued_at__isnull=False, paid_at__isnull=False), name="worker_pass_issued_paid"),
            models.CheckConstraint(condition=~Q(status="lost") | Q(deposit_kept=True), name="worker_pass_lost_kept"),
        ]
        indexes = [
            models.Index(fields=["renovation", "status"], name="worker_pass_renovation_idx"),
            models.Index(fields=["community", "status", "valid_to"], name="worker_pass_list_idx"),
            models.Index(fields=["community", "-created_at"], name="worker_pass_recent_idx"),
        ]
        verbose_name = _("worker pass")
        verbose_name_plural = _("worker passes")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("renovation:pass_detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in PASS_LIVE_STATUSES


@pgtrigger.register(*append_only("worker_pass_change"))
class WorkerPassStatusChange(models.Model):
    """One move of a pass (paid, issued, returned, lost, revoked): who, when, why. Append-only."""

    worker_pass = models.ForeignKey(WorkerPass, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=WorkerPass.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=WorkerPass.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["worker_pass", "at"], name="worker_pass_change_idx")]
        verbose_name = _("worker pass status change")
        verbose_name_plural = _("worker pass status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class WorksItem(models.TextChoices):
    """增加项目 the paper lists."""

    WALL_OPENING = "wall_opening", _("Wall opening (打墙)")
    DRILLING = "drilling", _("Drilling (打孔)")
    SECURITY_DOOR = "security_door", _("Security door (防盗门)")
    WINDOW_GUARD = "window_guard", _("Window guard rails (防护栏)")
    INSECT_SCREEN = "insect_screen", _("Insect screens (防蚊纱窗)")


@pghistory.track()
class RenovationRequest(models.Model):
    """装修延期申请 (an extension) or 增加项目申请 (additional works) of a renovation: application,
    engineering review, manager approval; an extension may carry a fee paid through billing first."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Extension")
        WORKS = "works", _("Additional works")

    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("Owner")
        LEAD = "lead", _("Renovation lead")

    class Status(models.TextChoices):
        ENGINEERING = "engineering", _("Awaiting engineering review")
        MANAGER = "manager", _("Awaiting manager approval")
        PAYMENT = "payment", _("Awaiting the fee")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("request", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("request", "Withdrawn")

    S = Status
    TRANSITIONS = {
        S.ENGINEERING: {S.MANAGER, S.REJECTED, S.WITHDRAWN},
        S.MANAGER: {S.APPROVED, S.PAYMENT, S.ENGINEERING, S.REJECTED, S.WITHDRAWN},  # -> engineering: sent back
        S.PAYMENT: {S.APPROVED, S.WITHDRAWN},
        S.APPROVED: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }
    REASON_REQUIRED = {S.REJECTED, S.WITHDRAWN, S.ENGINEERING}
    OPEN_STATUSES = ("engineering", "manager", "payment")
    PREFIX = {Kind.EXTENSION: "YQ", Kind.WORKS: "ZX"}

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="requests",
                                   verbose_name=_("renovation"))
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("application no."), max_length=20)
    applicant_kind = models.CharField(_("applicant"), max_length=10, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=50)
    reason = models.TextField(_("reason"), max_length=1000)
    old_end = models.DateField(_("permit valid to (before)"), null=True, blank=True)
    new_end = models.DateField(_("new end date"), null=True, blank=True)
    items = ArrayField(models.CharField(max_length=20, choices=WorksItem.choices), default=list, blank=True,
                       verbose_name=_("items"))
    details = models.TextField(_("works in detail"), max_length=2000, blank=True)
    engineering_comments = models.TextField(_("engineering comments"), max_length=2000, blank=True)
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    fee = models.DecimalField(_("extension fee"), max_digits=12, decimal_places=2, default=0)
    fee_receipt = models.CharField(_("fee receipt"), max_length=30, blank=True)
    fee_bill = models.CharField(max_length=50, blank=True)  # billing's bill of the fee, once billed
    archive = models.FileField(_("archived copy"), upload_to="renovation/requests/%Y/", max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ENGINEERING)
    status_changed_at = models.DateTimeField(_("status since"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("engineering review by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("filed by"))
    created_at = models.DateTimeField(_("filed at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "year", "seq"], name="renovation_request_number"),
            models.UniqueConstraint(fields=["renovation"], condition=Q(kind="extension",
                                                                        status__in=["engineering", "manager", "payment"]),
                                    name="renovation_one_open_extension",
                                    violation_error_message=_("This renovation already has an open extension.")),
            models.CheckConstraint(condition=~Q(kind="extension") | Q(new_end__isnull=False, old_end__isnull=False,
                                                                      new_end__gt=F("old_end")),
                                   name="renovation_extension_later_end"),
            models.CheckConstraint(condition=~Q(kind="works") | Q(items__len__gt=0), name="renovation_works_items"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="renovation_request_fee"),
        ]
        indexes = [
            models.Index(fields=["community", "kind", "status", "-created_at"], name="renovation_request_list_idx"),
            models.Index(fields=["renovation", "kind"], name="renovation_request_reno_idx"),
        ]
        verbose_name = _("renovation request")
        verbose_name_plural = _("renovation requests")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("renovation:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def item_labels(self) -> list:
        labels = dict(WorksItem.choices)
        return [labels.get(i, i) for i in self.items]


@pgtrigger.register(*append_only("reno_request_change"))
class RenovationRequestStatusChange(models.Model):
    """One move of an extension or additional-works request. Append-only."""

    request = models.ForeignKey(RenovationRequest, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=RenovationRequest.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=RenovationRequest.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    reason = models.CharField(_("comments"), max_length=2000, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="renovation_request_change_idx")]
        verbose_name = _("request status change")
        verbose_name_plural = _("request status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


@pgtrigger.register(*append_only("permit_validity_change"))
class PermitValidityChange(models.Model):
    """The permit's valid-to moved by an approved extension: before, after, which extension, who. Append-only."""

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="validity_changes")
    request = models.OneToOneField(RenovationRequest, on_delete=models.PROTECT, related_name="validity_change")
    old_valid_to = models.DateField(_("valid to (before)"))
    new_valid_to = models.DateField(_("valid to (after)"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("permit validity change")
        verbose_name_plural = _("permit validity changes")

    def __str__(self):
        return f"{self.old_valid_to} → {self.new_valid_to}"


# ---- rounds, violations, acceptance, deposit ledger, reminders (issue 10 §4) ----
# The 管家's daily round (巡查) of every active site, the violations it finds with their re-checks and the
# deductions proposed from the deposit, the engineer's final acceptance (验收), the refund requests sent to
# billing, and the reminders/escalations sent once (a row per notice, unique).

ROUND_PHOTO_MAX_BYTES = 8 * 1024 * 1024
ROUND_PHOTO_MAX_COUNT = 6


class CheckItem(models.TextChoices):
    """The round's checklist: each item ticked was found in order."""

    PERMIT_POSTED = "permit_posted", _("Permit posted at the door")
    APPROVED_WORKS = "approved_works", _("Only the approved works")
    WORKING_HOURS = "working_hours", _("Within the permitted hours")
    RUBBISH = "rubbish", _("Rubbish bagged, corridor clear")
    FIRE_SAFETY = "fire_safety", _("Fire safety (extinguisher, no unpermitted hot work)")
    STRUCTURE = "structure", _("Load-bearing walls and shared pipes untouched")
    PASSES = "passes", _("Workers carry their passes")


@pghistory.track()
class SiteInspection(models.Model):
    """One visit of a site on the daily round (装修巡查): the checklist, a note and photos."""

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="inspections",
                                   verbose_name=_("renovation"))
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    on_date = models.DateField(_("date"))
    at = models.DateTimeField(_("inspected at"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspected by"))
    checks_ok = ArrayField(models.CharField(max_length=20, choices=CheckItem.choices), blank=True, default=list,
                           verbose_name=_("found in order"))
    note = models.TextField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["renovation", "on_date"], name="renovation_inspection_day_idx"),
                   models.Index(fields=["community", "on_date"], name="renovation_inspection_comm_idx")]
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")

    def __str__(self):
        return f"{self.renovation_id} {self.on_date}"

    def missing_checks(self) -> list:
        return [label for value, label in CheckItem.choices if value not in self.checks_ok]


@pghistory.track()
class InspectionPhoto(models.Model):
    """A photo taken on the round: stored outside any public URL, served by ``renovation:inspection_photo``."""

    inspection = models.ForeignKey(SiteInspection, on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="renovation/rounds/%Y/%m/", max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["inspection", "uploaded_at", "id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        return reverse("renovation:inspection_photo", args=[self.pk])  # never image.url: nothing serves /media/


@pghistory.track()
class Violation(models.Model):
    """A violation found on a site (违规): its category, what was seen, the deadline to correct it and its
    re-checks. ``status`` is written only by ``services.rounds.violation_set_status``."""

    class Category(models.TextChoices):
        UNAPPROVED_ALTERATION = "unapproved_alteration", _("Unapproved alteration or demolition")
        OUT_OF_HOURS = "out_of_hours", _("Working outside the permitted hours")
        RUBBISH = "rubbish", _("Rubbish left in common areas")
        HOT_WORK = "hot_work", _("Hot work without a permit")
        OTHER = "other", pgettext_lazy("violation", "Other")

    class Status(models.TextChoices):
        OPEN = "open", _("To be corrected")
        CORRECTED = "corrected", _("Corrected")
        VOID = "void", pgettext_lazy("violation", "Void")

    TRANSITIONS = {Status.OPEN: {Status.CORRECTED, Status.VOID}, Status.CORRECTED: set(), Status.VOID: set()}

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="violations",
                                   verbose_name=_("renovation"))
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(SiteInspection, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="violations")
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    description = models.CharField(_("what was found"), max_length=500)
    deadline = models.DateField(_("correct by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rechecks = models.PositiveSmallIntegerField(_("re-checks"), default=0)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["community", "-recorded_at"], name="renovation_violation_list_idx"),
                   models.Index(fields=["renovation", "status"], name="renovation_violation_site_idx")]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self):
        return f"{self.get_category_display()} ({self.renovation_id})"

    def allowed_moves(self) -> set:
        return self.TRANSITIONS.get(self.status, set())


@pgtrigger.register(*append_only("reno_violation_change"))
class ViolationChange(models.Model):
    """A re-check or a void of a violation: who, when, what, why. Append-only."""

    class Kind(models.TextChoices):
        RECHECK_OK = "recheck_ok", _("Re-checked: corrected")
        RECHECK_FAILED = "recheck_failed", _("Re-checked: not corrected")
        VOID = "void", _("Voided")

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("violation re-check")
        verbose_name_plural = _("violation re-checks")

    def __str__(self):
        return f"{self.violation_id} {self.kind}"


@pghistory.track()
class DepositDeduction(models.Model):
    """A deduction from the renovation deposit proposed for a violation, approved or rejected by the
    manager. ``status`` is written only by ``services.rounds.deduction_decide``."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", pgettext_lazy("deduction", "Approved")
        REJECTED = "rejected", pgettext_lazy("deduction", "Rejected")

    TRANSITIONS = {Status.PROPOSED: {Status.APPROVED, Status.REJECTED}, Status.APPROVED: set(),
                   Status.REJECTED: set()}

    violation = models.OneToOneField(Violation, on_delete=models.PROTECT, related_name="deduction")
    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="deductions")
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("deduction"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason for the deduction"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="renovation_deduction_positive")]
        indexes = [models.Index(fields=["renovation", "status"], name="renovation_deduction_idx")]
        verbose_name = _("deposit deduction")
        verbose_name_plural = _("deposit deductions")

    def __str__(self):
        return f"{self.violation_id}: {self.amount}"


@pghistory.track()
class Acceptance(models.Model):
    """The engineer's final acceptance inspection (验收): passed, or failed with the items to rectify."""

    class Result(models.TextChoices):
        PASS = "pass", _("Passed")
        FAIL = "fail", _("Failed: to rectify")

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="acceptances",
                                   verbose_name=_("renovation"))
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    items = models.TextField(_("items to rectify"), max_length=2000, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspected by"))
    at = models.DateTimeField(_("inspected at"))

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(result="pass") | ~Q(items=""),
                                              name="renovation_acceptance_fail_has_items",
                                              violation_error_message=_("List the items to rectify."))]
        verbose_name = _("acceptance inspection")
        verbose_name_plural = _("acceptance inspections")

    def __str__(self):
        return f"{self.renovation_id} {self.result}"


@pghistory.track()
class DepositRefundRequest(models.Model):
    """The refund of the renovation deposit asked of billing (``billing.interface.deposit_refund_request``):
    the approved deductions kept back; billing's supervisor approves it. ``request_id`` is billing's id."""

    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="refund_requests")
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    deposit_id = models.PositiveBigIntegerField()
    request_id = models.PositiveBigIntegerField(unique=True)
    deduction = models.DecimalField(_("deduction"), max_digits=12, decimal_places=2)
    refund = models.DecimalField(_("refund"), max_digits=12, decimal_places=2)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("deposit refund request")
        verbose_name_plural = _("deposit refund requests")

    def __str__(self):
        return f"{self.renovation_id}: {self.refund}"


@pgtrigger.register(*append_only("reno_notice_sent"))
class NoticeSent(models.Model):
    """A reminder or escalation sent once: ``(kind, key)`` is unique, so a second sweep, a re-queued task
    or a catch-up after an outage never sends it again. Append-only."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, null=True, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="renovation_notice_once")]
        verbose_name = _("notice sent")
        verbose_name_plural = _("notices sent")

    def __str__(self):
        return f"{self.kind} {self.key}"


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
