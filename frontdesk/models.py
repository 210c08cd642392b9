"""The property tree and the owner archive (业主档案): the base every other app builds on.

Nothing here is hard-deleted: a move-out ends an occupancy, a vehicle is deactivated, an
authorisation is revoked; pghistory keeps every version of every row.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
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
