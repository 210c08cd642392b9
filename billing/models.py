"""Fees (收费): fee items and rates, meter readings, bill runs, counter payments with gapless receipts,
corrections (voids, waivers, refunds), prepaid balances, deposits, overdue reminders and the
cashier's daily close. Depends on frontdesk (units, people); nothing outside billing touches these
tables — other apps call ``billing.interface``.

Money movement is append-only at the database (``core.db.append_only``): receipts and their lines,
voids, vouchers, balance entries, deposit refunds and daily closes refuse UPDATE and DELETE. A
correction is always a new row. ``Bill`` keeps running totals (paid, waived, outstanding) that only
the services in ``billing.services`` write, under a row lock, each change explained by such a row.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.db import append_only

from . import collection_totals as totals

MONEY = {"max_digits": 12, "decimal_places": 2}
PRICE = {"max_digits": 10, "decimal_places": 4}


class Method(models.TextChoices):
    """How money was paid or paid back (the reference is recorded for all but cash)."""

    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CARD = "card", _("UnionPay card")
    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    BALANCE = "balance", _("Prepaid balance")  # only for lines paid from the unit's balance, never at the counter


COUNTER_METHODS = [m for m in Method if m != Method.BALANCE]


@pghistory.track()
class FeeItem(models.Model):
    """A kind of charge in one community: 物业服务费, 停车费, 电梯使用费, 水费, 电费, 工本费, 押金 …"""

    class Kind(models.TextChoices):
        PROPERTY = "property", _("Property service fee")
        PARKING = "parking", _("Parking fee")
        LIFT = "lift", _("Lift fee")
        WATER = "water", pgettext_lazy("fee", "Water")
        ELECTRICITY = "electricity", pgettext_lazy("fee", "Electricity")
        ONE_OFF = "one_off", _("One-off fee")
        DEPOSIT = "deposit", _("Deposit")
        REPAIR = "repair", _("Paid repair")
        OTHER = "other", _("Other")

    class Basis(models.TextChoices):
        AREA = "area", _("Floor area × rate per month")
        UNIT = "unit", _("Per unit per month")
        SPACE = "space", _("Per parking space per month")
        METER = "meter", _("Meter usage × rate")
        FIXED = "fixed", _("Fixed amount each time")

    RECURRING = (Basis.AREA, Basis.UNIT, Basis.SPACE)

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="fee_items",
                                  verbose_name=_("community"))
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    basis = models.CharField(_("charged by"), max_length=10, choices=Basis.choices)
    usages = ArrayField(models.CharField(max_length=20), blank=True, default=list, verbose_name=_("unit usages"),
                        help_text=_("Only units of these usages are billed; empty: all."))
    due_days = models.PositiveSmallIntegerField(_("due after (days)"), default=30,
                                                help_text=_("Days after the start of the period."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    on_behalf = models.BooleanField(_("collected on behalf (代收)"), default=False,
                                    help_text=_("Money taken for another company (a utility's opening fee): "
                                                "marked as collected on behalf on receipts."))

    class Meta:
        ordering = ["community", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="fee_item_unique_code",
                                               violation_error_message=_("This code is already used."))]
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")

    def __str__(self):
        return self.name


@pghistory.track()
class FeeRate(models.Model):
    """A price valid from a date. A change is a new row with a later ``valid_from``: bills already issued
    keep the price they were issued with (it is copied onto the bill). The most specific rate wins:
    building and usage > building > usage > the community-wide rate."""

    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="rates", verbose_name=_("fee item"))
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    usage = models.CharField(_("unit usage"), max_length=20, blank=True)
    valid_from = models.DateField(_("valid from"))
    price = models.DecimalField(_("price"), **PRICE)
    tiers = models.JSONField(_("tiers"), default=list, blank=True,
                             help_text=_('Meter fees only: [{"up_to": "10", "price": "3.50"}, …]; '
                                         "usage above the last tier is charged at the price."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fee_item", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fee_item", "building", "usage", "valid_from"], nulls_distinct=False,
                                    name="fee_rate_unique_from",
                                    violation_error_message=_("A rate for this scope already starts on this date.")),
            models.CheckConstraint(condition=Q(price__gte=0), name="fee_rate_price_not_negative"),
        ]
        verbose_name = _("rate")
        verbose_name_plural = _("rates")

    def __str__(self):
        return f"{self.price} from {self.valid_from}"


@pghistory.track()
class MeterReading(models.Model):
    """抄表: the reading of a unit's water or electricity meter at the end of a month (``period`` is the
    first day of that month). Usage = reading − previous reading; the bill is made from the usage."""

    class Kind(models.TextChoices):
        WATER = "water", _("Water")
        ELECTRICITY = "electricity", _("Electricity")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, related_name="meter_readings",
                             verbose_name=_("unit"))
    kind = models.CharField(_("meter"), max_length=20, choices=Kind.choices)
    period = models.DateField(_("month"))
    reading = models.DecimalField(_("reading"), max_digits=12, decimal_places=2)
    previous = models.DecimalField(_("previous reading"), max_digits=12, decimal_places=2, null=True, blank=True)
    usage = models.DecimalField(_("usage"), max_digits=12, decimal_places=2)
    jump_confirmed = models.BooleanField(_("unusual jump confirmed"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "kind", "period"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "period"], name="meter_reading_unique_month"),
            models.CheckConstraint(condition=Q(usage__gte=0), name="meter_reading_usage_not_negative"),
        ]
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")

    def __str__(self):
        return f"{self.get_kind_display()} {self.period:%Y-%m} {self.reading}"


class BillRun(models.Model):
    """One generation of a period's bills for a community or one building. Re-running creates nothing
    twice (bills are unique per unit, fee item and period); the row records what this run added."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # The moves ``billing.services.runs.bill_run_set_status`` allows: a run is picked up (queued → running),
    # an interrupted or failed one is picked up again (→ running), and a running one ends done or failed.
    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING},
        Status.RUNNING: {Status.RUNNING, Status.DONE, Status.FAILED},
        Status.FAILED: {Status.RUNNING},
        Status.DONE: set(),
    }

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    period = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    bills_created = models.PositiveIntegerField(_("bills created"), default=0)
    amount_created = models.DecimalField(_("amount billed"), default=0, **MONEY)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")

    def __str__(self):
        return f"{self.period:%Y-%m} {self.get_status_display()}"


# Bill inserts are not history events (the bill row is its own record, and a bill run inserts
# 100k rows at once); every later change of a bill is.
@pghistory.track(pghistory.UpdateEvent("bill.update"))
@pgtrigger.register(*totals.BILL_TRIGGERS)
class Bill(models.Model):
    """What a unit owes for one fee item and month (or one charge). ``amount = paid + waived +
    outstanding`` always (a check constraint); only ``billing.services`` change the totals."""

    class Source(models.TextChoices):
        RUN = "run", _("Bill run")
        METER = "meter", _("Meter reading")
        CHARGE = "charge", _("Charge from another service")
        MANUAL = "manual", _("Entered at the counter")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, related_name="bills", verbose_name=_("unit"))
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="bills", verbose_name=_("fee item"))
    period = models.DateField(_("month"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RUN)
    source_ref = models.CharField(max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("price"), **PRICE)
    prorate_days = models.PositiveSmallIntegerField(_("days billed"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    paid = models.DecimalField(_("paid"), default=0, **MONEY)
    waived = models.DecimalField(pgettext_lazy("bill", "waived"), default=0, **MONEY)
    outstanding = models.DecimalField(_("outstanding"), **MONEY)
    due_date = models.DateField(_("due date"))
    bill_run = models.ForeignKey(BillRun, on_delete=models.PROTECT, null=True, blank=True, related_name="bills")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "fee_item__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fee_item", "period"], condition=Q(source__in=["run", "meter"]),
                                    name="bill_unique_per_month"),
            models.UniqueConstraint(fields=["community", "source", "source_ref"], condition=Q(source="charge"),
                                    name="bill_unique_charge"),
            models.CheckConstraint(condition=Q(paid__gte=0, waived__gte=0, outstanding__gte=0, amount__gte=0),
                                   name="bill_totals_not_negative"),
            models.CheckConstraint(condition=Q(amount=F("paid") + F("waived") + F("outstanding")),
                                   name="bill_totals_add_up"),
        ]
        indexes = [
            models.Index(fields=["unit", "period"], condition=Q(outstanding__gt=0), name="bill_open_by_unit"),
            models.Index(fields=["community", "due_date"], condition=Q(outstanding__gt=0), name="bill_open_by_due"),
            # covering: the collection rate sums a half-year of bills from the index alone
            models.Index(fields=["community", "period", "building"], include=["amount", "waived", "paid"],
                         name="bill_by_period"),
            models.Index(fields=["community", "period"], condition=Q(outstanding__gt=0),
                         include=["building", "outstanding"], name="bill_open_by_period"),
            # covering: the arrears list groups the open bills by unit from the index alone
            models.Index(fields=["community", "unit"], condition=Q(outstanding__gt=0),
                         include=["due_date", "outstanding"], name="bill_open_by_unit_cov"),
            # the daily summary's "billed on the day" (billing.selectors.summary): without it, every bill of the
            # communities was read (800k per community at the bench size, ~140 ms)
            models.Index(fields=["community", "created_at"], name="bill_created_idx"),
        ]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")

    def __str__(self):
        return f"{self.period:%Y-%m} {self.fee_item.name} {self.amount}"

    @property
    def reference(self) -> str:
        return f"ZD{self.pk:08d}"


class CollectionBillTotal(models.Model):
    """Derived, kept by triggers (``billing.collection_totals``): the bills of one building and month as they
    stand now — how many, Σ (amount − waived), Σ paid, Σ outstanding. Read by the collection rate."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, related_name="+")
    period = models.DateField()
    bills = models.IntegerField(default=0)
    billed = models.DecimalField(default=0, max_digits=16, decimal_places=2)
    paid = models.DecimalField(default=0, max_digits=16, decimal_places=2)
    open = models.DecimalField(default=0, max_digits=16, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "building", "period"],
                                               name="collection_bill_total_key")]

    def __str__(self):
        return f"{self.building_id} {self.period:%Y-%m}: {self.paid}/{self.billed}"


class CollectionMoveTotal(models.Model):
    """Derived, kept by triggers (``billing.collection_totals``): money that reached the bills of one building
    and bill month during one month — paid (receipt lines not void, balance applications) and waived."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, related_name="+")
    bill_period = models.DateField()
    month = models.DateField()
    moves = models.IntegerField(default=0)
    paid = models.DecimalField(default=0, max_digits=16, decimal_places=2)
    waived = models.DecimalField(default=0, max_digits=16, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "building", "bill_period", "month"],
                                               name="collection_move_total_key")]
        # the rate reads the moves since the half-year's start, not every month since the first bill
        indexes = [models.Index(fields=["community", "month"],
                                include=["building", "bill_period", "moves", "paid", "waived"],
                                name="collection_move_total_read")]

    def __str__(self):
        return f"{self.building_id} {self.bill_period:%Y-%m} in {self.month:%Y-%m}: {self.paid} + {self.waived}"


class DocumentCounter(models.Model):
    """Locked to number receipts and vouchers gapless per community, kind and year. The increment
    is part of the transaction that writes the document: a rollback gives the number back."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "kind", "year"], name="document_counter_unique")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


@pgtrigger.register(*append_only("billing_receipt"))
class Receipt(models.Model):
    """收据: one payment at the counter. Written once; a void is a ``ReceiptVoid`` row."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="receipts", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("receipt number"), max_length=30)
    payer_name = models.CharField(_("paid by"), max_length=50)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cashier"))
    business_date = models.DateField(_("business day"))
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "seq"], name="receipt_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
        ]
        indexes = [models.Index(fields=["community", "business_date", "cashier"], name="receipt_by_day")]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return self.number


@pgtrigger.register(*append_only("billing_receiptline"), totals.RECEIPTLINE_TRIGGER)
class ReceiptLine(models.Model):
    class Kind(models.TextChoices):
        BILL = "bill", _("Bill")
        PREPAYMENT = "prepay", _("Prepayment")
        DEPOSIT = "deposit", _("Deposit")

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="receipt_lines")
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    # Copied from the receipt and the bill when the line is written (lines never change), so the
    # collection rate sums a day's money by bill month and building without joining 2M bills.
    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, null=True, related_name="+")
    business_date = models.DateField(null=True)
    bill_period = models.DateField(null=True)
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_line_amount_positive")]
        indexes = [models.Index(fields=["community", "business_date"], condition=Q(kind="bill"),
                                include=["bill_period", "building", "amount", "receipt"], name="receipt_line_by_day")]

    def __str__(self):
        return f"{self.description} {self.amount}"


@pgtrigger.register(*append_only("billing_receiptprint"))
class ReceiptPrint(models.Model):
    """Each print of a receipt: the first is the original, every later one is marked 补打 (reprint)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="prints")
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField(auto_now_add=True)
    is_reprint = models.BooleanField(default=False)

    class Meta:
        ordering = ["printed_at", "id"]

    def __str__(self):
        return f"{self.receipt_id} {self.printed_at}"


@pghistory.track()
class Correction(models.Model):
    """A request to void a receipt, waive part of a bill, refund a prepaid balance or refund a deposit,
    with its reason, and the supervisor's decision. Approval writes the effect as new rows."""

    class Kind(models.TextChoices):
        VOID = "void", _("Void receipt")
        WAIVER = "waiver", _("Waiver or discount")
        REFUND = "refund", _("Refund")
        DEPOSIT_REFUND = "deposit_refund", _("Deposit refund")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # Decided once (``billing.services.corrections.correction_decide``, the one writer of the status).
    TRANSITIONS = {Status.PENDING: {Status.APPROVED, Status.REJECTED}, Status.APPROVED: set(), Status.REJECTED: set()}

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    deposit = models.ForeignKey("Deposit", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    amount = models.DecimalField(_("amount"), null=True, blank=True, **MONEY)
    deduction = models.DecimalField(_("deduction"), null=True, blank=True, **MONEY)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # one open void request per receipt
            models.UniqueConstraint(fields=["receipt"], condition=Q(kind="void", status="pending"),
                                    name="correction_one_pending_void"),
        ]
        indexes = [models.Index(fields=["community", "status"], name="correction_by_status")]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount or ''} ({self.get_status_display()})"


@pgtrigger.register(*append_only("billing_receiptvoid"), totals.RECEIPTVOID_TRIGGER)
class ReceiptVoid(models.Model):
    """作废: the receipt keeps its number; this row says it no longer counts, who approved, and why."""

    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="void")
    correction = models.OneToOneField(Correction, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField(_("business day"))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.receipt_id} {self.business_date}"


@pgtrigger.register(*append_only("billing_voucher"), totals.VOUCHER_TRIGGER)
class Voucher(models.Model):
    """减免单 / 退款单: a waiver or a refund, numbered in its own gapless sequence."""

    class Kind(models.TextChoices):
        WAIVER = "waiver", _("Waiver voucher")
        REFUND = "refund", _("Refund voucher")

    PREFIX = {Kind.WAIVER: "JM", Kind.REFUND: "TK"}

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("voucher number"), max_length=30)
    correction = models.OneToOneField(Correction, on_delete=models.PROTECT, related_name="voucher")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField(_("business day"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "year", "seq"], name="voucher_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_amount_positive"),
        ]

    def __str__(self):
        return self.number


@pghistory.track()
class UnitAccount(models.Model):
    """A unit's prepaid balance (预存), locked while it changes; every change is a ``BalanceEntry``."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.OneToOneField("frontdesk.Unit", on_delete=models.PROTECT, related_name="billing_account")
    balance = models.DecimalField(_("prepaid balance"), default=0, **MONEY)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="unit_account_not_negative")]

    def __str__(self):
        return f"{self.unit_id}: {self.balance}"


@pgtrigger.register(*append_only("billing_balanceentry"), totals.BALANCEENTRY_TRIGGER)
class BalanceEntry(models.Model):
    class Kind(models.TextChoices):
        PREPAY = "prepay", _("Prepayment received")
        APPLY = "apply", _("Applied to a bill")
        WAIVER = "waiver", _("Credit from a waiver")
        REFUND = "refund", pgettext_lazy("balance entry", "Refunded")
        VOID = "void", _("Receipt voided")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, related_name="balance_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)  # signed: + into the balance, − out of it
    balance_after = models.DecimalField(_("balance"), **MONEY)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="balance_entries")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # For entries about a bill: the bill's month and building (as on ``ReceiptLine``).
    bill_period = models.DateField(null=True)
    building = models.ForeignKey("frontdesk.Building", on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "created_at"], name="balance_entry_by_unit"),
            models.Index(fields=["community", "created_at"], condition=Q(kind="apply"),
                         include=["bill_period", "building", "amount"], name="balance_apply_by_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


@pghistory.track()
class Deposit(models.Model):
    """押金 held as money owed back: collected on a receipt, refunded once (in full or with deductions)."""

    class Kind(models.TextChoices):
        RENOVATION = "renovation", _("Renovation deposit")
        WORKER_PASS = "worker_pass", _("Worker pass deposit")
        OTHER = "other", _("Other deposit")

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="deposits", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    payer_name = models.CharField(_("paid by"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="deposits")
    source_ref = models.CharField(max_length=60, blank=True, help_text="e.g. renovation:12 — the caller's own key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "source_ref"], name="deposit_by_source")]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


@pgtrigger.register(*append_only("billing_depositrefund"))
class DepositRefund(models.Model):
    deposit = models.OneToOneField(Deposit, on_delete=models.PROTECT, related_name="refund")
    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refunded = models.DecimalField(_("refunded"), **MONEY)
    deduction = models.DecimalField(_("deduction"), **MONEY)
    deduction_reason = models.CharField(_("reason for the deduction"), max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(refunded__gte=0, deduction__gte=0),
                                              name="deposit_refund_not_negative")]

    def __str__(self):
        return f"{self.deposit_id}: {self.refunded}"


@pghistory.track()
class ReminderPolicy(models.Model):
    """Overdue-fee reminders of one community: the first ``first_after_days`` after a bill falls due,
    then every ``every_days``, until the unit's overdue bills are paid or waived."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In-app to the desk")
        SMS = "sms", _("SMS to the owner")
        EMAIL = "email", _("E-mail to the owner")

    community = models.OneToOneField("frontdesk.Community", on_delete=models.PROTECT, related_name="reminder_policy")
    first_after_days = models.PositiveSmallIntegerField(_("first reminder after (days overdue)"), default=15)
    every_days = models.PositiveSmallIntegerField(_("then every (days)"), default=30)
    max_steps = models.PositiveSmallIntegerField(_("at most (reminders)"), default=6)
    channels = ArrayField(models.CharField(max_length=10, choices=Channel.choices), default=list, blank=True,
                          verbose_name=_("channels"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self):
        return str(self.community_id)


@pgtrigger.register(*append_only("billing_reminderstep"))
class ReminderStep(models.Model):
    """One reminder sent for one unit: step ``step`` of the overdue episode that started at ``anchor``
    (the due date of the unit's oldest overdue bill). Unique: a step is never sent twice."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("frontdesk.Unit", on_delete=models.PROTECT, related_name="reminder_steps")
    anchor = models.DateField()
    step = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = models.DecimalField(_("amount overdue"), **MONEY)
    channels = ArrayField(models.CharField(max_length=10), default=list, verbose_name=_("channels"))
    body = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "anchor", "step"], name="reminder_step_once")]

    def __str__(self):
        return f"{self.unit_id} {self.anchor} #{self.step}"


@pgtrigger.register(*append_only("billing_dailyclose"))
class DailyClose(models.Model):
    """收银日结: one cashier's business day, closed once. Payments, voids and refunds of a closed day
    cannot be added; later ones go to the cashier's next open day."""

    community = models.ForeignKey("frontdesk.Community", on_delete=models.PROTECT, related_name="+")
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cashier"))
    business_date = models.DateField(_("business day"))
    totals = models.JSONField(_("totals by method"), default=dict)
    system_cash = models.DecimalField(_("cash by the system"), **MONEY)
    counted_cash = models.DecimalField(_("cash counted"), **MONEY)
    difference = models.DecimalField(_("difference"), **MONEY)
    difference_reason = models.CharField(_("reason for the difference"), max_length=300, blank=True)
    handed_to = models.CharField(_("handed to (finance)"), max_length=50)
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-business_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["community", "cashier", "business_date"],
                                               name="daily_close_once")]
        verbose_name = _("daily close")
        verbose_name_plural = _("daily closes")

    def __str__(self):
        return f"{self.business_date} {self.cashier_id}"
