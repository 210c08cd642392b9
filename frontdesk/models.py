"""The property tree and the owner archive (业主档案): the base every other app builds on.

Nothing here is hard-deleted: a move-out ends an occupancy, a vehicle is deactivated, an
authorisation is revoked; pghistory keeps every version of every row.
"""

import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class NameGrams(models.Func):
    """The 1- and 2-character pieces of a text (SQL function ``fd_name_grams``, migration 0005).

    pg_trgm cannot help a 1- or 2-character search (a surname, 建国): a GIN index on these pieces can.
    """

    function = "fd_name_grams"
    output_field = ArrayField(models.TextField())


@pghistory.track()
class Community(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("Short code used in document numbers."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service centre phone"), max_length=30, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="communities", blank=True, verbose_name=_("staff"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name


@pghistory.track()
class Building(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("community"))
    name = models.CharField(_("building"), max_length=20, help_text=_("As written in room codes, e.g. 3 or A."))
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["community", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="building_unique_name",
                                    violation_error_message=_("A building with this name already exists in this community."))]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self):
        return _("Building %(name)s") % {"name": self.name}


@pghistory.track()
class Entrance(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="entrances", verbose_name=_("building"))
    name = models.CharField(_("entrance"), max_length=10)

    class Meta:
        ordering = ["building", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="entrance_unique_name",
                                    violation_error_message=_("This entrance already exists in this building."))]
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")

    def __str__(self):
        return _("Entrance %(name)s") % {"name": self.name}


@pghistory.track()
class Unit(models.Model):
    class Usage(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        SHOP = "shop", _("Shop")
        OFFICE = "office", _("Office")
        PARKING = "parking", _("Parking")
        OTHER = "other", _("Other")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="units", verbose_name=_("community"))
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building"))
    entrance = models.ForeignKey(
        Entrance, on_delete=models.PROTECT, related_name="units", null=True, blank=True, verbose_name=_("entrance")
    )
    number = models.CharField(_("room number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    usage = models.CharField(_("usage"), max_length=20, choices=Usage.choices, default=Usage.RESIDENTIAL)
    code = models.CharField(_("room code"), max_length=60, editable=False, help_text=_("e.g. 3-2-1502"))
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["community", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="unit_unique_code",
                                    violation_error_message=_("This room already exists in this community.")),
            models.CheckConstraint(condition=Q(area__gte=0), name="unit_area_not_negative",
                                   violation_error_message=_("The floor area cannot be negative.")),
        ]
        indexes = [
            models.Index(fields=["community", "number"], name="unit_number_idx"),
            models.Index(fields=["building", "entrance", "number"], name="unit_tree_idx"),
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("frontdesk:unit_detail", args=[self.pk])

    @staticmethod
    def make_code(building_name: str, entrance_name: str | None, number: str) -> str:
        return "-".join(p for p in (building_name, entrance_name, number) if p)

    @property
    def label(self) -> str:
        """3栋2单元1502 (needs building and entrance loaded: select them)."""
        if self.entrance_id:
            return gettext("%(building)s Bldg %(entrance)s Ent. %(number)s") % {
                "building": self.building.name, "entrance": self.entrance.name, "number": self.number
            }
        return gettext("%(building)s Bldg %(number)s") % {"building": self.building.name, "number": self.number}


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAU = "hk_macau", _("Home Return Permit (HK/Macau)")
    TAIWAN = "taiwan", _("Taiwan Compatriot Permit")
    OTHER = "other", _("Other document")


@pghistory.track()
class Person(models.Model):
    """Anyone in the archive: owner, resident or tenant (the role is on the occupancy)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="people", verbose_name=_("community"))
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True)
    id_type = models.CharField(_("ID document"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_type", "id_number"],
                condition=~Q(id_number=""),
                name="person_unique_id_document",
                violation_error_message=_("A person with this ID number is already in the archive of this community."),
            ),
        ]
        indexes = [
            # icontains compiles to UPPER(name) LIKE UPPER(%s): index that expression.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="person_name_trgm"),
            GinIndex(NameGrams(Upper("name")), name="person_name_grams"),
            GinIndex(fields=["phone"], opclasses=["gin_trgm_ops"], name="person_phone_trgm"),
            GinIndex(fields=["phone_alt"], opclasses=["gin_trgm_ops"], name="person_phone_alt_trgm"),
            models.Index(fields=["community", "name"], name="person_community_name_idx"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frontdesk:person_detail", args=[self.pk])


@pghistory.track()
class Occupancy(models.Model):
    """A person's relation to a unit: owner (with share), resident or tenant, from move-in to move-out."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("Owner")
        RESIDENT = "resident", _("Resident")
        TENANT = "tenant", _("Tenant")

    class Relationship(models.TextChoices):
        SELF = "self", _("Owner themself")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("unit"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("person"))
    kind = models.CharField(_("role"), max_length=10, choices=Kind.choices)
    share = models.DecimalField(_("ownership share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    relationship = models.CharField(_("relationship to owner"), max_length=10, choices=Relationship.choices, blank=True)
    start_date = models.DateField(_("move-in date"))
    end_date = models.DateField(_("move-out date"), null=True, blank=True)
    end_reason = models.CharField(_("move-out reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit", "kind", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person", "kind"], condition=Q(end_date__isnull=True), name="occupancy_one_active",
                violation_error_message=_("This person is already recorded in this role for this unit.")
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="occupancy_dates_ordered",
                violation_error_message=_("The move-out date cannot be before the move-in date.")
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gt=0) & Q(share__lte=100)), name="occupancy_share_range",
                violation_error_message=_("An ownership share is more than 0 and at most 100.")
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "end_date"], name="occupancy_unit_idx"),
            models.Index(fields=["person", "end_date"], name="occupancy_person_idx"),
        ]
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")

    def __str__(self):
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date or ''}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


@pghistory.track()
class TenantAuthorization(models.Model):
    """The owner's written authorisation (业主委托书) letting a tenant act for the unit."""

    class Scope(models.TextChoices):
        FEES = "fees", _("Pay fees")
        REPAIRS = "repairs", _("Report repairs")
        RENOVATION = "renovation", _("Renovation")
        GOODS_RELEASE = "goods_release", _("Goods release")
        SERVICES = "services", _("Service applications")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    tenancy = models.ForeignKey(Occupancy, on_delete=models.PROTECT, related_name="authorizations", verbose_name=_("tenancy"))
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("authorising owner"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    scopes = ArrayField(models.CharField(max_length=20, choices=Scope.choices), verbose_name=_("scope"))
    document_ref = models.CharField(_("letter reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoke_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="authorization_dates_ordered",
                                   violation_error_message=_("The end date cannot be before the start date.")),
        ]
        verbose_name = _("tenant authorisation")
        verbose_name_plural = _("tenant authorisations")

    def __str__(self):
        return f"{self.valid_from}–{self.valid_to}"

    def scope_labels(self):
        labels = dict(self.Scope.choices)
        return [labels.get(s, s) for s in self.scopes]


@pghistory.track()
class Vehicle(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("community"))
    plate = models.CharField(_("plate"), max_length=10)
    is_new_energy = models.BooleanField(_("new-energy vehicle"), default=False, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="vehicles", null=True, blank=True,
                             verbose_name=_("unit"))
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="vehicles", null=True, blank=True,
        verbose_name=pgettext_lazy("vehicle", "owner"),
    )
    description = models.CharField(_("make, model and colour"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plate"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "plate"], condition=Q(is_active=True), name="vehicle_unique_active_plate",
                violation_error_message=_("This plate is already registered in this community.")
            ),
        ]
        indexes = [GinIndex(fields=["plate"], opclasses=["gin_trgm_ops"], name="vehicle_plate_trgm")]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self):
        return self.plate


@pghistory.track()
class ParkingSpace(models.Model):
    class Kind(models.TextChoices):
        OWNED = "owned", _("Owned")
        RENTED = "rented", _("Rented")
        PUBLIC = "public", _("Public / visitor")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="parking_spaces")
    code = models.CharField(_("space number"), max_length=20)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.RENTED)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="parking_spaces", null=True, blank=True, verbose_name=_("unit")
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, related_name="parking_spaces", null=True, blank=True, verbose_name=_("vehicle")
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="parking_space_unique_code",
                                                   violation_error_message=_("This parking space already exists."))]
        verbose_name = _("parking space")
        verbose_name_plural = _("parking spaces")

    def __str__(self):
        return self.code


# ---- slips (issue 11) ----
# The goods release slip (物品放行条, seed 003 篇5 流程 1): the applicant (the owner, the renovation lead
# the owner authorised, or a tenant with the owner's consent) applies at the counter, signs as 办证人, the
# duty supervisor signs, the manager approves (where the community asks for it); the gate checks the slip
# from its QR or number and marks it used once. Numbered per community and year without gaps.


@pghistory.track()
class SlipSettings(models.Model):
    """A community's release-slip rules, set by the manager."""

    community = models.OneToOneField(Community, on_delete=models.PROTECT, related_name="slip_settings",
                                     verbose_name=_("community"))
    manager_approval_required = models.BooleanField(
        _("manager's approval required"), default=True,
        help_text=_("Off: a slip takes effect once the duty supervisor has signed it."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("release slip settings")
        verbose_name_plural = _("release slip settings")

    def __str__(self):
        return str(self.community_id)


@pghistory.track()
class ReleaseSlip(models.Model):
    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("Owner")
        LEAD = "lead", _("Renovation lead authorised by the owner")
        TENANT = "tenant", _("Tenant")

    class Consent(models.TextChoices):
        IN_PERSON = "in_person", _("Owner present in person")
        PHONE = "phone", _("Owner's phone call (recorded)")
        WRITTEN = "written", _("Owner's written authorisation on file")

    class Reason(models.TextChoices):
        MOVING = "moving", _("Moving house")
        RENOVATION_WASTE = "renovation_waste", _("Renovation waste")
        REPAIR_RETURN = "repair_return", _("Return for repair")
        OTHER = "other", _("Other")

    class SignMode(models.TextChoices):
        PAD = "pad", _("Signed on screen")
        PRINTED = "printed", _("Signs on the printed line")

    class Status(models.TextChoices):
        PENDING_SUPERVISOR = "pending_supervisor", _("Awaiting the supervisor's signature")
        PENDING_MANAGER = "pending_manager", _("Awaiting the manager's approval")
        VALID = "valid", _("In effect")
        USED = "used", _("Released")
        EXPIRED = "expired", _("Expired")
        VOID = "void", _("Void")

    S = Status
    # status -> allowed next statuses; ``frontdesk.services.slips.slip_set_status`` is the one writer.
    TRANSITIONS = {
        S.PENDING_SUPERVISOR: {S.PENDING_MANAGER, S.VALID, S.EXPIRED, S.VOID},
        S.PENDING_MANAGER: {S.VALID, S.EXPIRED, S.VOID},
        S.VALID: {S.USED, S.EXPIRED, S.VOID},
        S.USED: set(),
        S.EXPIRED: set(),
        S.VOID: set(),
    }
    OPEN_STATUSES = (S.PENDING_SUPERVISOR, S.PENDING_MANAGER, S.VALID)

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="release_slips", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("slip number"), max_length=20, editable=False)
    token = models.CharField(max_length=64, unique=True, editable=False)  # the QR's secret, never the id
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING_SUPERVISOR)
    applicant_kind = models.CharField(_("applicant is"), max_length=10, choices=ApplicantKind.choices)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("applicant"))
    applicant_name = models.CharField(_("applicant's name"), max_length=50)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20, blank=True)
    consent = models.CharField(_("owner's consent"), max_length=10, choices=Consent.choices, blank=True)
    consent_owner = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("consenting owner"))
    consent_phone = models.CharField(_("number the owner called from"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("call taken by"))
    consent_authorization = models.ForeignKey(TenantAuthorization, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+", verbose_name=_("written authorisation"))
    consent_letter_ref = models.CharField(_("authorisation letter reference"), max_length=100, blank=True)
    carrier_name = models.CharField(_("carrier's name"), max_length=50)
    carrier_id_type = models.CharField(_("carrier's ID document"), max_length=20, choices=IdType.choices,
                                       default=IdType.RESIDENT_ID)
    carrier_id_number = models.CharField(_("carrier's ID number"), max_length=40)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=10, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reason_other = models.CharField(_("other reason"), max_length=100, blank=True)
    valid_on = models.DateField(_("valid on"))
    sign_mode = models.CharField(_("applicant's signature"), max_length=10, choices=SignMode.choices,
                                 default=SignMode.PRINTED)
    signature = models.FileField(_("signature image"), upload_to="slips/signatures/%Y/%m/", blank=True)
    manager_required = models.BooleanField(_("manager's approval required"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("issued at"))
    supervisor_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+", verbose_name=_("signed by (supervisor)"))
    supervisor_signed_at = models.DateTimeField(_("supervisor signed at"), null=True, blank=True)
    manager_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+", verbose_name=_("approved by (manager)"))
    manager_approved_at = models.DateTimeField(_("manager approved at"), null=True, blank=True)
    used_at = models.DateTimeField(_("released at"), null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("released by"))
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "seq"], name="slip_unique_number",
                                    violation_error_message=_("This slip number is already taken.")),
        ]
        indexes = [
            models.Index(fields=["community", "number"], name="slip_number_idx"),
            models.Index(fields=["community", "created_at"], name="slip_created_idx"),
            models.Index(fields=["community", "valid_on", "status"], name="slip_valid_on_idx"),
            models.Index(fields=["unit", "created_at"], name="slip_unit_idx"),
            models.Index(fields=["valid_on"], condition=Q(status__in=["pending_supervisor", "pending_manager", "valid"]),
                         name="slip_open_valid_on_idx"),
            models.Index(fields=["community", "used_at"], condition=Q(status="used"), name="slip_used_idx"),
        ]
        verbose_name = _("release slip")
        verbose_name_plural = _("release slips")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("frontdesk:slip_detail", args=[self.pk])

    def status_on(self, day):
        """The status as the gate reads it on ``day``: an open slip whose day has passed is expired, even
        before the nightly task has written it."""
        if self.status in self.OPEN_STATUSES and self.valid_on < day:
            return self.Status.EXPIRED
        return self.status

    def reason_label(self) -> str:
        if self.reason == self.Reason.OTHER and self.reason_other:
            return f"{self.get_reason_display()}：{self.reason_other}"
        return self.get_reason_display()


@pghistory.track()
class SlipItem(models.Model):
    slip = models.ForeignKey(ReleaseSlip, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("item"), max_length=50)
    quantity = models.PositiveIntegerField(_("quantity"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["slip", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="slip_item_quantity_positive",
                                              violation_error_message=_("The quantity is at least 1."))]
        verbose_name = _("slip item")
        verbose_name_plural = _("slip items")

    def __str__(self):
        return f"{self.name} × {self.quantity}"


@pghistory.track()
class SlipStatusChange(models.Model):
    slip = models.ForeignKey(ReleaseSlip, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ReleaseSlip.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReleaseSlip.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # None: the nightly expiry
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["slip", "at"], name="slip_change_idx")]
        verbose_name = _("slip status change")
        verbose_name_plural = _("slip status changes")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


# ---- visitors (issue 11) ----
@pghistory.track()
class Visitor(models.Model):
    """One line of the visitor register (来访登记): a visitor the owner announced by phone (预约), or one
    who came unannounced (the clerk asks the owner first: 对突然来访者, 要征求业主的意见后, 再放行)."""

    class Kind(models.TextChoices):
        EXPECTED = "expected", _("Expected (the owner called)")
        UNEXPECTED = "unexpected", _("Unexpected (ask the owner first)")

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        CONSULTING = "consulting", _("Asking the owner")
        ON_SITE = "on_site", _("On site")
        LEFT = "left", _("Left")
        NO_SHOW = "no_show", _("Did not come")
        REFUSED = "refused", _("Turned away")
        VOID = "void", _("Voided")

    class Answer(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        REFUSED = "refused", _("Refused")
        NO_ANSWER = "no_answer", _("Could not be reached")

    # status -> the statuses it may move to (``frontdesk.services.visitors.visitor_set_status`` checks it)
    TRANSITIONS = {
        Status.EXPECTED: {Status.ON_SITE, Status.NO_SHOW, Status.VOID},
        Status.CONSULTING: {Status.ON_SITE, Status.REFUSED, Status.VOID},
        Status.ON_SITE: {Status.LEFT, Status.VOID},
        Status.LEFT: {Status.VOID},
        Status.NO_SHOW: {Status.VOID},
        Status.REFUSED: {Status.VOID},
        Status.VOID: set(),
    }
    OPEN = (Status.EXPECTED, Status.CONSULTING, Status.ON_SITE)

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visitors", verbose_name=_("unit"))
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    name = models.CharField(_("visitor's name"), max_length=50)
    phone = models.CharField(_("visitor's phone"), max_length=30, blank=True)
    plate = models.CharField(_("car plate"), max_length=10, blank=True)
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    purpose = models.CharField(_("purpose of the visit"), max_length=200, blank=True)
    called_by = models.CharField(_("who called"), max_length=50, blank=True,
                                 help_text=_("The owner or resident who announced the visitor."))
    expected_at = models.DateTimeField(_("expected at"), null=True, blank=True)
    # The owner's answer to an unexpected visitor (who was asked, what they said, who asked, when)
    asked_person = models.CharField(_("owner asked"), max_length=50, blank=True)
    answer = models.CharField(_("owner's answer"), max_length=12, choices=Answer.choices, blank=True)
    answer_note = models.CharField(_("note on the call"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answer recorded at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("asked by"))
    time_in = models.DateTimeField(_("time in"), null=True, blank=True)
    time_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("let in by"))
    time_out = models.DateTimeField(_("time out"), null=True, blank=True)
    time_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("checked out by"))
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(people_count__gte=1) & Q(people_count__lte=99),
                                   name="visitor_people_count_range",
                                   violation_error_message=_("Give the number of people, from 1 to 99.")),
            models.CheckConstraint(condition=~Q(status="on_site") | Q(time_in__isnull=False),
                                   name="visitor_on_site_has_time_in",
                                   violation_error_message=_("A visitor on site has a time in.")),
            models.CheckConstraint(
                condition=~Q(kind="unexpected", status__in=["on_site", "left"]) | Q(answer="agreed"),
                name="visitor_unexpected_needs_consent",
                violation_error_message=_("An unexpected visitor enters only after the owner agreed.")),
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="visitor_open_idx",
                         condition=Q(status__in=["expected", "consulting", "on_site"])),
            models.Index(fields=["community", "-created_at"], name="visitor_log_idx"),
            models.Index(fields=["-created_at", "-id"], name="visitor_created_idx"),  # the log over all communities
            models.Index(fields=["unit", "-created_at"], name="visitor_unit_idx"),
            models.Index(fields=["expected_at"], name="visitor_expected_idx", condition=Q(status="expected")),
            GinIndex(fields=["plate"], opclasses=["gin_trgm_ops"], name="visitor_plate_trgm"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="visitor_name_trgm"),
        ]
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frontdesk:visitor_detail", args=[self.pk])

    @property
    def may_enter(self) -> bool:
        """Entry is allowed: an expected visitor, or an unexpected one the owner agreed to."""
        return self.status == self.Status.EXPECTED or (
            self.status == self.Status.CONSULTING and self.answer == self.Answer.AGREED)


@pghistory.track()
class VisitorStatusChange(models.Model):
    """Each move of a visitor's status (who, when, why), as the register's margin notes."""

    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=Visitor.Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Visitor.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("visitor status change")
        verbose_name_plural = _("visitor status changes")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


@pghistory.track()
class VisitorSweep(models.Model):
    """The end-of-shift sweep: the visitors still on site that nobody checked out, recorded by a clerk
    (``by``) or by the evening task (``by`` empty, once a day per community). They go into the handover."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    visitors = models.ManyToManyField(Visitor, through="VisitorSweepItem", related_name="sweeps",
                                      verbose_name=_("visitors"))

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["community", "day"], condition=Q(by__isnull=True),
                                               name="visitor_sweep_once_a_day_by_task")]
        verbose_name = _("visitor sweep")
        verbose_name_plural = _("visitor sweeps")

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


@pghistory.track()
class VisitorSweepItem(models.Model):
    sweep = models.ForeignKey(VisitorSweep, on_delete=models.PROTECT, related_name="items")
    visitor = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sweep", "visitor"], name="visitor_sweep_item_unique")]
        verbose_name = _("visitor in a sweep")
        verbose_name_plural = _("visitors in a sweep")

    def __str__(self):
        return str(self.visitor_id)


# ---- parcels (issue 11) ----
# 邮件包裹: the front desk's parcel register. A parcel arrives (carrier, tracking number, unit, size, shelf
# slot), gets a 6-digit pickup code and the owner is told by SMS once; it waits until it is picked up (by the
# addressee or a proxy, signed), returned to the sender after the community's M days, or voided (a wrong
# entry, with the reason). Nothing is deleted; every notice to the owner is a sent-once ``ParcelNotice`` row.


@pghistory.track()
class ParcelSettings(models.Model):
    """Per community: remind the owner after N days, return to the sender after M days."""

    DEFAULT_REMIND_AFTER = 3
    DEFAULT_RETURN_AFTER = 14

    community = models.OneToOneField(Community, on_delete=models.PROTECT, related_name="parcel_settings",
                                     verbose_name=_("community"))
    remind_after_days = models.PositiveSmallIntegerField(_("remind the owner after (days)"), default=DEFAULT_REMIND_AFTER)
    return_after_days = models.PositiveSmallIntegerField(_("return to the sender after (days)"),
                                                         default=DEFAULT_RETURN_AFTER)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(remind_after_days__gte=1) & Q(return_after_days__gt=models.F("remind_after_days")),
                                   name="parcel_settings_days_ordered",
                                   violation_error_message=_("Return to the sender after more days than the reminder.")),
        ]
        verbose_name = _("parcel settings")
        verbose_name_plural = _("parcel settings")

    def __str__(self):
        return str(self.community_id)


@pghistory.track()
class Parcel(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PICKED_UP = "picked_up", _("Picked up")
        RETURNED = "returned", _("Returned to sender")
        VOID = "void", pgettext_lazy("parcel", "Void")

    # The only moves a parcel makes (services/parcels.py checks every status write against it).
    TRANSITIONS = {
        Status.WAITING: {Status.PICKED_UP, Status.RETURNED, Status.VOID},
        Status.PICKED_UP: set(),
        Status.RETURNED: set(),
        Status.VOID: set(),
    }

    class Carrier(models.TextChoices):
        SF = "sf", _("SF Express")
        EMS = "ems", _("China Post / EMS")
        JD = "jd", _("JD Logistics")
        ZTO = "zto", _("ZTO Express")
        YTO = "yto", _("YTO Express")
        STO = "sto", _("STO Express")
        YUNDA = "yunda", _("Yunda Express")
        JT = "jt", _("J&T Express")
        DEPPON = "deppon", _("Deppon")
        OTHER = "other", _("Other carrier")

    class Size(models.TextChoices):
        LETTER = "letter", _("Letter / document")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    class Collector(models.TextChoices):
        ADDRESSEE = "addressee", _("The addressee")
        PROXY = "proxy", _("A proxy")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("unit"))
    addressee = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("addressee"))
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices)
    carrier_other = models.CharField(_("other carrier"), max_length=30, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=40)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, default=Size.SMALL)
    shelf = models.CharField(_("shelf slot"), max_length=20, blank=True)
    high_value = models.BooleanField(_("high value"), default=False)
    pickup_code = models.CharField(_("pickup code"), max_length=6)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    arrived_at = models.DateTimeField(_("arrival time"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    # pick-up
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("handed over by"))
    collector = models.CharField(_("collected by"), max_length=10, choices=Collector.choices, blank=True)
    collector_name = models.CharField(_("collector's name"), max_length=50, blank=True)
    collector_id_type = models.CharField(_("collector's ID document"), max_length=20, choices=IdType.choices, blank=True)
    collector_id_number = models.CharField(_("collector's ID number"), max_length=40, blank=True)
    signature = models.TextField(_("signature"), max_length=200_000, blank=True)  # a PNG data URL from the pad
    signed_on_paper = models.BooleanField(_("signed on the paper register"), default=False)
    # returned to the sender / voided
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)

    class Meta:
        ordering = ["-arrived_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "pickup_code"], condition=Q(status="waiting"),
                                    name="parcel_unique_waiting_code",
                                    violation_error_message=_("This pickup code is already in use.")),
            models.UniqueConstraint(fields=["community", "tracking_no"], condition=Q(status="waiting"),
                                    name="parcel_unique_waiting_tracking",
                                    violation_error_message=_("A parcel with this tracking number is already waiting.")),
            models.CheckConstraint(condition=Q(pickup_code__regex=r"^[0-9]{6}$"),
                                   name="parcel_code_six_digits",
                                   violation_error_message=_("A pickup code has 6 digits.")),
        ]
        indexes = [
            models.Index(fields=["community", "status", "arrived_at"], name="parcel_status_idx"),
            models.Index(fields=["unit", "status"], name="parcel_unit_idx"),
            models.Index(fields=["arrived_at"], condition=Q(status="waiting"), name="parcel_waiting_idx"),
            # the daily summary's arrivals, pick-ups and returns of a day, and the parcels waiting at a past moment
            models.Index(fields=["community", "arrived_at"], name="parcel_arrived_idx"),
            models.Index(fields=["community", "picked_up_at"], condition=Q(picked_up_at__isnull=False),
                         name="parcel_picked_up_idx"),
            models.Index(fields=["community", "returned_at"], condition=Q(returned_at__isnull=False),
                         name="parcel_returned_idx"),
        ]
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")

    def __str__(self):
        return self.tracking_no

    def get_absolute_url(self):
        return reverse("frontdesk:parcel_detail", args=[self.pk])

    @property
    def carrier_label(self) -> str:
        if self.carrier == self.Carrier.OTHER and self.carrier_other:
            return self.carrier_other
        return self.get_carrier_display()


@pghistory.track()
class ParcelStatusChange(models.Model):
    """One line of a parcel's history: arrived, picked up, returned, voided (who, when, why)."""

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=10, choices=Parcel.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Parcel.Status.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("parcel status change")
        verbose_name_plural = _("parcel status changes")

    def __str__(self):
        return f"{self.from_status}→{self.to_status}"


@pghistory.track()
class ParcelNotice(models.Model):
    """A message to the owner about a parcel, recorded once per parcel and kind (the row is claimed with
    ``INSERT … ON CONFLICT DO NOTHING``, so two sweeps or a repeated submission never send it twice)."""

    class Kind(models.TextChoices):
        ARRIVAL = "arrival", _("Arrival notice")
        REMINDER = "reminder", _("Pickup reminder")
        RETURNED = "returned", _("Returned to sender")

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    message = models.ForeignKey("core.OutboundMessage", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")  # none: the unit has no owner phone (recorded, not sent)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parcel", "kind"], name="parcel_notice_once")]
        verbose_name = _("parcel notice")
        verbose_name_plural = _("parcel notices")

    def __str__(self):
        return self.kind


# ---- keys (issue 11) ----
# Key custody 钥匙托管: owners' keys deposited with their written consent and the service centre's public
# keys (公共钥匙) in one register per community. A key moves 在库 → 借出 → 在库, or ends returned to the
# owner or lost; every move is a ``KeyMovement`` row (written once, never changed) and only
# ``frontdesk.services.keys`` sets ``Key.status``.
import pgtrigger  # noqa: E402

from core.db import append_only  # noqa: E402


@pghistory.track()
class Key(models.Model):
    class Kind(models.TextChoices):
        OWNER = "owner", _("Owner's key")
        PUBLIC = "public", _("Public key")

    class Purpose(models.TextChoices):
        RENOVATION = "renovation", _("Renovation")
        REPAIRS = "repairs", _("Repairs")
        VACANT = "vacant", _("Empty flat")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IN = "in", _("In the key cabinet")
        OUT = "out", _("Signed out")
        RETURNED = "returned", _("Returned to the owner")
        LOST = "lost", _("Lost")

    S = Status
    TRANSITIONS = {
        S.IN: {S.OUT, S.RETURNED, S.LOST},
        S.OUT: {S.IN, S.LOST},
        S.RETURNED: set(),
        S.LOST: set(),
    }
    HELD = (S.IN, S.OUT)  # the keys the service centre holds: their tag numbers are unique

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    kind = models.CharField(_("kind of key"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="keys",
                             verbose_name=_("unit"))
    depositor = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("depositing owner"))
    purpose = models.CharField(_("deposited for"), max_length=12, choices=Purpose.choices, blank=True)
    consent_ref = models.CharField(_("written consent reference"), max_length=100, blank=True)
    tag_no = models.CharField(_("key tag number"), max_length=20)
    envelope_no = models.CharField(_("sealed envelope number"), max_length=30, blank=True)
    opens = models.CharField(_("what the key opens"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("number of keys"), default=1)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN)
    # While signed out: the sign-out movement (who has it, why) and when it is due back (the overdue list).
    out_movement = models.ForeignKey("KeyMovement", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("signed out"))
    due_back_at = models.DateTimeField(_("expected return"), null=True, blank=True)
    created_at = models.DateTimeField(_("deposited at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    class Meta:
        ordering = ["community", "tag_no", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "tag_no"], condition=Q(status__in=["in", "out"]), name="key_unique_held_tag",
                violation_error_message=_("A key with this tag number is already held in this community."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="owner", unit__isnull=False, depositor__isnull=False)
                           | Q(kind="public", unit__isnull=True, depositor__isnull=True)),
                name="key_owner_has_unit",
                violation_error_message=_("An owner's key belongs to a room and its owner; a public key to neither."),
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="key_quantity_positive",
                                   violation_error_message=_("At least one key.")),
            models.CheckConstraint(condition=Q(status="out", due_back_at__isnull=False, out_movement__isnull=False)
                                   | (~Q(status="out") & Q(due_back_at__isnull=True, out_movement__isnull=True)),
                                   name="key_out_has_due_time",
                                   violation_error_message=_("A signed-out key has an expected return time.")),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="key_unit_idx"),
            models.Index(fields=["community", "status", "due_back_at"], name="key_out_idx",
                         condition=Q(status="out")),
        ]
        verbose_name = _("key")
        verbose_name_plural = _("keys")

    def __str__(self):
        return self.tag_no

    def get_absolute_url(self):
        return reverse("frontdesk:key_detail", args=[self.pk])

    def allowed_moves(self) -> set[str]:
        return self.TRANSITIONS.get(self.status, set())


@pgtrigger.register(*append_only("key_movement"))
@pghistory.track()
class KeyMovement(models.Model):
    """One move of a key (deposit, sign-out, sign-in, return to the owner, lost), with who recorded it and when."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposited")
        SIGN_OUT = "sign_out", _("Signed out")
        SIGN_IN = "sign_in", _("Signed back in")
        RETURN = "return", _("Returned to the owner")
        LOST = "lost", _("Reported lost")

    class Taker(models.TextChoices):
        STAFF = "staff", _("Staff member")
        CONTRACTOR = "contractor", _("Contractor")

    key = models.ForeignKey(Key, on_delete=models.PROTECT, related_name="movements", verbose_name=_("key"))
    kind = models.CharField(_("move"), max_length=10, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=Key.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Key.Status.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("recorded by"))
    # sign-out: who took it, why, until when
    taker_kind = models.CharField(_("taken by"), max_length=10, choices=Taker.choices, blank=True)
    taker_staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("staff member"))
    taker_name = models.CharField(_("name"), max_length=50, blank=True)
    taker_company = models.CharField(_("company"), max_length=100, blank=True)
    taker_id_type = models.CharField(_("ID document"), max_length=20, choices=IdType.choices, blank=True)
    taker_id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    taker_phone = models.CharField(_("phone"), max_length=20, blank=True)
    due_back_at = models.DateTimeField(_("expected return"), null=True, blank=True)
    # sign-in: who brought it back; return to the owner: the owner who received it, identity checked, signed
    returned_by_name = models.CharField(_("returned by"), max_length=50, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("owner"))
    id_checked = models.BooleanField(_("identity document checked"), default=False)
    signed = models.BooleanField(_("signed the key register"), default=False)
    # sign-out: why; lost: the reason; anything else: a note
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    owner_message = models.ForeignKey("core.OutboundMessage", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("message to the owner"))

    class Meta:
        ordering = ["key", "at", "id"]
        indexes = [models.Index(fields=["key", "at"], name="key_movement_key_idx")]
        verbose_name = _("key movement")
        verbose_name_plural = _("key movements")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def taker_label(self) -> str:
        """Who has the key: the staff member's name, or the contractor's name and company."""
        if self.taker_kind == self.Taker.STAFF and self.taker_staff_id:
            return self.taker_staff.full_name or self.taker_staff.username
        return f"{self.taker_name}（{self.taker_company}）" if self.taker_company else self.taker_name


@pgtrigger.register(*append_only("frozen_figure"))
class FrozenFigure(models.Model):
    """One figure of the daily summary as it stood when the day was frozen (default 20:00): the archived
    summary and the weekly/monthly reports read these rows, so they never drift when later corrections
    arrive. Written idempotently (one row per community, day and figure key); never updated."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    day = models.DateField(_("day"))
    section = models.CharField(_("section"), max_length=40)
    key = models.CharField(_("figure"), max_length=120)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind of figure"), max_length=10)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True)
    breakdown = models.JSONField(_("breakdown"), default=list, blank=True)
    # ``Figure.additive``: a day's flow sums over the days of a report; a level (False) is read on the last day
    additive = models.BooleanField(_("sums over days"), default=True)
    frozen_at = models.DateTimeField(_("frozen at"))

    class Meta:
        verbose_name = _("frozen summary figure")
        verbose_name_plural = _("frozen summary figures")
        constraints = [models.UniqueConstraint(fields=["community", "day", "key"], name="frozen_figure_once")]
        indexes = [models.Index(fields=["community", "day"], name="frozen_figure_day")]

    def __str__(self):
        return f"{self.day} {self.label}"


@pghistory.track()
class SummarySettings(models.Model):
    """A community's daily summary: the local time the day is frozen (and the PDF e-mailed to its managers)."""

    DEFAULT_FREEZE_AT = datetime.time(20, 0)

    community = models.OneToOneField(Community, on_delete=models.PROTECT, related_name="summary_settings",
                                     verbose_name=_("community"))
    freeze_at = models.TimeField(_("freeze the day at"), default=DEFAULT_FREEZE_AT)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("daily summary settings")
        verbose_name_plural = _("daily summary settings")

    def __str__(self):
        return str(self.community_id)


@pgtrigger.register(*append_only("summary_delivery"))
class SummaryDelivery(models.Model):
    """The frozen summary of one community and day e-mailed to one manager: claimed (unique) in the same
    transaction as the message is recorded, so a manager gets it once whatever path fires. Never changed."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    day = models.DateField(_("day"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("manager"))
    message = models.ForeignKey("core.OutboundMessage", on_delete=models.PROTECT, null=True, related_name="+",
                                verbose_name=_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily summary delivery")
        verbose_name_plural = _("daily summary deliveries")
        constraints = [models.UniqueConstraint(fields=["community", "day", "user"], name="summary_delivery_once")]

    def __str__(self):
        return f"{self.day} {self.user_id}"


# ---- survey (issue 13 §6): the half-yearly satisfaction survey 满意度调查 ----
class SurveyArea(models.TextChoices):
    """The service areas a survey asks about."""

    SERVICE = "service", _("Customer service")
    REPAIRS = "repairs", pgettext_lazy("survey area", "Repairs")
    CLEANING = "cleaning", _("Cleaning")
    SECURITY = "security", pgettext_lazy("survey area", "Security")
    GREENING = "greening", _("Landscaping")
    FEES = "fees", _("Fee collection")


@pghistory.track()
class Survey(models.Model):
    """One survey per community and half-year. Questions can change until the first answer set is recorded;
    closing it is recorded (who, when, why) and it takes no more answers."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("First half")
        SECOND = 2, _("Second half")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    year = models.PositiveSmallIntegerField(_("survey year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    coverage_target = models.DecimalField(_("coverage target (%)"), max_digits=5, decimal_places=2, default=30,
                                          help_text=_("Share of occupied rooms to survey."))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    close_note = models.CharField(_("closing note"), max_length=500, blank=True)

    class Meta:
        ordering = ["community", "-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "half"], name="survey_one_per_half_year",
                                    violation_error_message=_("This community already has a survey for this half-year.")),
            models.CheckConstraint(condition=Q(coverage_target__gt=0, coverage_target__lte=100),
                                   name="survey_target_range",
                                   violation_error_message=_("The coverage target is a share of more than 0 and at most 100.")),
        ]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frontdesk:survey_detail", args=[self.pk])

    @property
    def title(self) -> str:
        """2026年下半年"""
        if self.half == self.Half.FIRST:
            return gettext("%(year)s, first half") % {"year": self.year}
        return gettext("%(year)s, second half") % {"year": self.year}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


@pghistory.track()
class SurveyQuestion(models.Model):
    """A question of a survey, in a service area, scored 1–5 with a free-text remark. ``is_active``: still
    asked (a question is never deleted)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="questions", verbose_name=_("survey"))
    area = models.CharField(_("service area"), max_length=12, choices=SurveyArea.choices)
    text = models.CharField(_("question"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self):
        return self.text


@pghistory.track()
class SurveyResponse(models.Model):
    """A room's answer set: one per room and survey (a database constraint). Corrections update it (pghistory
    keeps every version); it is never deleted."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Home visit")
        PAPER = "paper", _("Paper form")
        COUNTER = "counter", _("At the counter")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_responses", verbose_name=_("unit"))
    respondent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("respondent"))
    channel = models.CharField(_("how it was collected"), max_length=10, choices=Channel.choices)
    comment = models.CharField(_("general remarks"), max_length=1000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("corrected by"))

    class Meta:
        ordering = ["survey", "-recorded_at", "id"]
        constraints = [models.UniqueConstraint(
            fields=["survey", "unit"], name="survey_one_response_per_unit",
            violation_error_message=_("This room has already answered this survey."))]
        indexes = [models.Index(fields=["unit", "survey"], name="survey_response_unit_idx")]
        verbose_name = _("survey answer set")
        verbose_name_plural = _("survey answer sets")

    def __str__(self):
        return f"{self.survey} {self.unit_id}"

    def get_absolute_url(self):
        return reverse("frontdesk:survey_response", args=[self.pk])


@pghistory.track()
class SurveyAnswer(models.Model):
    """The answer to one question: a score 1–5 (none: not answered) and a remark."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.PROTECT, related_name="answers",
                                 verbose_name=_("answer set"))
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers",
                                 verbose_name=_("question"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.CharField(_("remark"), max_length=500, blank=True)

    class Meta:
        ordering = ["response", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_one_answer_per_question",
                                    violation_error_message=_("This question is already answered in this set.")),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                                   name="survey_score_range",
                                   violation_error_message=_("A score is from 1 to 5.")),
        ]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self):
        return f"{self.question_id}: {self.score}"


# ---- notices (issue 12 §4) ----
# Notices to residents 通知 / 通告 / 温馨提示 (seed 000: drafting, posting in order, archiving, taking down on
# time). A notice is drafted from a community's template, approved by a supervisor or manager (never its own
# author), posted at chosen entrances for a period and taken down when it ends. Only
# ``frontdesk.services.notices.notice_set_status`` writes ``Notice.status``; every move is a
# ``NoticeStatusChange`` row. Nothing is deleted: a withdrawal or a rejection keeps the notice with the reason.


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice (通知)")
    ANNOUNCEMENT = "announcement", _("Announcement (通告)")
    REMINDER = "reminder", _("Friendly reminder (温馨提示)")


@pghistory.track()
class NoticeTemplate(models.Model):
    """A community's wording for a notice: placeholders {date}, {start}, {end}, {area} filled at drafting."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    name = models.CharField(_("template name"), max_length=40)
    kind = models.CharField(_("kind of notice"), max_length=12, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=800)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="notice_template_unique_name",
                                               violation_error_message=_("A template with this name already exists."))]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")

    def __str__(self):
        return self.name


@pghistory.track()
class Notice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        PUBLISHED = "published", _("Approved and published")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        TAKEN_DOWN = "taken_down", _("Taken down")

    S = Status
    # The only moves a notice makes (services/notices.py checks every status write against it).
    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING, Status.WITHDRAWN},
        Status.PENDING: {Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN},
        Status.REJECTED: {Status.DRAFT, Status.WITHDRAWN},
        Status.PUBLISHED: {Status.TAKEN_DOWN, Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
        Status.TAKEN_DOWN: set(),
    }

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    template = models.ForeignKey(NoticeTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("template"))
    kind = models.CharField(_("kind of notice"), max_length=12, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=800)  # fits one A4 page (``documents.notice_pdf``)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    post_from = models.DateField(_("posted from"))
    post_to = models.DateField(_("posted until"))
    entrance_ids = ArrayField(models.BigIntegerField(), verbose_name=_("entrances"), default=list, blank=True)
    send_sms = models.BooleanField(_("SMS to the owners"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)  # of the rejection or the withdrawal

    class Meta:
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "seq"], name="notice_unique_number"),
            models.CheckConstraint(condition=Q(post_to__gte=models.F("post_from")), name="notice_period_ordered",
                                   violation_error_message=_("The posting period ends before it starts.")),
        ]
        indexes = [
            models.Index(fields=["community", "status", "post_to"], name="notice_status_idx"),
            models.Index(fields=["community", "post_from"], name="notice_from_idx"),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("frontdesk:notice_detail", args=[self.pk])


@pghistory.track()
class NoticeStatusChange(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=Notice.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Notice.Status.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("notice status change")
        verbose_name_plural = _("notice status changes")

    def __str__(self):
        return f"{self.from_status}→{self.to_status}"


@pghistory.track()
class NoticePosting(models.Model):
    """One entrance's copy of a published notice: posted by whom and when, taken down by whom and when."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="postings")
    entrance = models.ForeignKey(Entrance, on_delete=models.PROTECT, related_name="+", verbose_name=_("entrance"))
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("posted by"))
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True)
    taken_down_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("taken down by"))

    class Meta:
        ordering = ["notice", "entrance__building__sort_order", "entrance__building__name", "entrance__name"]
        constraints = [models.UniqueConstraint(fields=["notice", "entrance"], name="notice_posting_once")]
        verbose_name = _("notice posting")
        verbose_name_plural = _("notice postings")

    def __str__(self):
        return str(self.entrance_id)


@pghistory.track()
class NoticeReminder(models.Model):
    """The desk's take-down reminder of a notice, claimed once (``INSERT … ON CONFLICT DO NOTHING``)."""

    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="take_down_reminder")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("take-down reminder")
        verbose_name_plural = _("take-down reminders")

    def __str__(self):
        return str(self.notice_id)


@pghistory.track()
class NoticeSms(models.Model):
    """A notice's SMS to one owner, claimed once per notice and person before it is sent."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="sms")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    message = models.ForeignKey("core.OutboundMessage", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "person"], name="notice_sms_once")]
        verbose_name = _("notice SMS")
        verbose_name_plural = _("notice SMS")

    def __str__(self):
        return f"{self.notice_id}:{self.person_id}"
