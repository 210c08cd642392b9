"""Shared plumbing models: staff users and roles, notifications, outbound messages,
personal-data access log and idempotency keys. Business models live in the apps."""

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .db import append_only


class Role(models.TextChoices):
    CLERK = "clerk", _("Front-desk clerk")
    CASHIER = "cashier", _("Cashier")
    SUPERVISOR = "supervisor", _("Customer-service supervisor")
    MANAGER = "manager", _("Service-centre manager")
    ENGINEER = "engineer", _("Maintenance engineer")
    ADMIN = "admin", _("Administrator")
    GUARD = "guard", _("Gate guard")  # 门岗/保安: sees only the check pages of their communities


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A staff member. Belongs to one or more communities (``frontdesk.Community.staff``)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username


class Notification(models.Model):
    """An in-app notification for one staff member."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Repeated notifications about one thing (a ticket's clocks) share a group: an unread one is updated
    # in place rather than joined by another, so the bell counts things to look at, not events.
    group = models.CharField(_("notification group"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.title


class OutboundMessage(models.Model):
    """Every e-mail or SMS the system sends, recorded before it leaves and marked when it has."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self):
        return f"{self.get_channel_display()} {self.subject}".strip()


class OutboundAttachment(models.Model):
    """A file sent with an outbound e-mail (e.g. an application as a PDF to a provider), stored with the
    message so a retried or restarted delivery sends the very same file."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.PROTECT, related_name="attachments")
    content = models.BinaryField(_("content"))
    filename = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=100)

    class Meta:
        ordering = ["message", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


@pgtrigger.register(*append_only("access_log"))
class SensitiveDataAccess(models.Model):
    """Who revealed which personal datum of which record, when and why. Append-only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    community_id = models.BigIntegerField(_("community"), null=True, db_index=True)
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.BigIntegerField(_("record id"))
    record_label = models.CharField(_("record"), max_length=200)
    field = models.CharField(_("field"), max_length=50)
    reason = models.CharField(_("reason"), max_length=200)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")

    def __str__(self):
        return f"{self.record_label} · {self.field}"


class IdempotencyKey(models.Model):
    """A form submission token: the first request that claims it does the work; repeats are told where it went."""

    key = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.key)


class NumberSequence(models.Model):
    """The last number given per document kind, scope (a community's id) and year: gapless numbering
    for documents other than billing's (release slips, permits, passes…). Used only through
    ``core.numbering.next_number``, which increments inside the caller's transaction: the row stays
    locked until it commits, and a rollback gives the number back."""

    kind = models.CharField(max_length=30)
    scope_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "scope_id", "year"], name="number_sequence_unique")]

    def __str__(self):
        return f"{self.kind} {self.scope_id} {self.year}: {self.last}"


class ExportJob(models.Model):
    """A large list export built by a Celery task (``core.exports``): who asked, when, for what, how far it
    got, and the finished .xlsx itself — kept in the database (never a public media URL), served only to
    the user who asked, and cleared by the beat sweep when it expires (the row stays, marked expired)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("export"), max_length=50)
    params = models.CharField(_("filters"), max_length=1000, blank=True)  # the list's query string
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    # the communities the rows come from (the user's at the time, or the one filtered on): the download
    # is refused (404) to a user who no longer works in all of them
    community_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [models.Index(fields=["status", "created_at"], name="exportjob_status_created"),
                   models.Index(fields=["user", "-created_at"], name="exportjob_user_created")]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
