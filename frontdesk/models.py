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
