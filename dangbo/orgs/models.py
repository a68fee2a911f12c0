"""The organisation tree, its terms, people, positions and the grants they give.

Unit kinds and levels are data (``UnitLevel``, ``UnitKind``): the 2025 reorganisation
that removed the district level is a change of data, not of code.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangbo.core.policy import Level
from dangbo.core.text import fold


class Role(models.IntegerChoices):
    """What a grant allows on a unit and everything below it. Higher includes lower."""

    VIEW = Level.VIEW.value, _("View")
    CONTRIBUTE = Level.CONTRIBUTE.value, _("Contribute")
    MANAGE = Level.MANAGE.value, _("Manage")
    ADMIN = Level.ADMIN.value, _("Administer")


class CurrentQuerySet(models.QuerySet):
    """Rows valid on a day: ``start <= day`` and (no end or ``end >= day``)."""

    start_field = "start"
    end_field = "end"

    def current(self, day: dt.date | None = None):
        day = day or timezone.localdate()
        return self.filter(
            Q(**{f"{self.start_field}__lte": day})
            & (Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": day}))
        )


class UnitLevel(models.Model):
    """A level of the political system: Trung ương, tỉnh, huyện, xã/phường, cơ sở…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 is the top level."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.Model):
    """A kind of unit (Đảng bộ tỉnh, Đảng bộ phường, Chi bộ, Ban tham mưu…) at a level."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.ForeignKey(UnitLevel, verbose_name=_("level"), on_delete=models.PROTECT)
    is_party = models.BooleanField(_("party organisation"), default=True)
    holds_members = models.BooleanField(
        _("holds members"),
        default=False,
        help_text=_("Party members belong to units of this kind."),
    )
    allowed_parents = models.ManyToManyField(
        "self",
        verbose_name=_("may sit under"),
        symmetrical=False,
        blank=True,
        related_name="allowed_children",
    )

    class Meta:
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")
        ordering = ["level__rank", "name"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(MP_NodeQuerySet):
    def active(self, day: dt.date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def subtree_of(self, unit: Unit):
        """``unit`` and every unit below it: one indexed prefix query on the path."""
        return self.filter(path__startswith=unit.path)


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A node of the organisation tree (materialised path)."""

    kind = models.ForeignKey(UnitKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    #: How the unit is named outside its parent's page: a unit below a ward says which ward
    #: ("Chi bộ Khu phố 1 – Phường 1"); the others are their name. Kept by ``save`` and
    #: ``refresh_labels``.
    label = models.CharField(_("name with its parent"), max_length=300, editable=False, default="")

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        parent = None
        if (self.depth or 0) > 2 and self.path:
            parent = Unit.objects.filter(path=self.parent_path).only("name", "short_name").first()
        self.label = unit_label(self.name, parent.short_name or parent.name if parent else "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name", "label"}
        super().save(*args, **kwargs)
        if update_fields is None or {"name", "short_name"} & set(update_fields):
            refresh_labels(self.path, children_only=True)

    @property
    def is_active(self) -> bool:
        return self.valid_to is None or self.valid_to >= timezone.localdate()

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]

    @property
    def committee_name(self) -> str:
        """The committee that leads the unit, as the party names it after the unit: "Đảng bộ
        tỉnh Quảng Trị" → "Tỉnh ủy Quảng Trị", "Đảng bộ thành phố Đông Hà" → "Thành ủy Đông Hà",
        "Đảng bộ Phường 1" → "Đảng ủy Phường 1"; a short name that names the committee
        ("Tỉnh ủy Quảng Trị") as it is; a cell or any other unit: its name."""
        if " ủy" in f" {self.short_name.lower()}":
            return self.short_name
        return committee_name(self.name)


#: The committee of a party organisation named "Đảng bộ <place>": the word of its place's
#: level when the place says one (tỉnh, thành phố, huyện, thị xã, quận), else "Đảng ủy".
_COMMITTEE_OF = [("tỉnh ", "Tỉnh ủy "), ("thành phố ", "Thành ủy "), ("huyện ", "Huyện ủy "),
                 ("thị xã ", "Thị ủy "), ("quận ", "Quận ủy ")]


def committee_name(name: str) -> str:
    """The committee of the unit named ``name`` (see ``Unit.committee_name``)."""
    if not name.startswith("Đảng bộ "):
        return name
    place = name.removeprefix("Đảng bộ ")
    for word, committee in _COMMITTEE_OF:
        if place.lower().startswith(word):
            return committee + place[len(word):]
    return "Đảng ủy " + place


def unit_label(name: str, parent_name: str) -> str:
    return f"{name} – {parent_name}" if parent_name else name


def refresh_labels(path: str = "", *, children_only: bool = False) -> int:
    """Name again the units under ``path`` (all units when empty) after a rename or a move;
    returns how many labels changed."""
    units = Unit.objects.filter(path__startswith=path).only("path", "depth", "name", "short_name", "label")
    if children_only:
        units = units.filter(depth=len(path) // Unit.steplen + 1)
    rows = list(units)
    if not rows:
        return 0
    parents = {
        u.path: u.short_name or u.name
        for u in Unit.objects.filter(path__in={u.parent_path for u in rows}).only("path", "name", "short_name")
    }
    changed = []
    for unit in rows:
        label = unit_label(unit.name, parents.get(unit.parent_path, "") if unit.depth > 2 else "")
        if label != unit.label:
            unit.label = label
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["label"])
    return len(changed)


class UnitChange(models.Model):
    """A reorganisation (sắp xếp tổ chức): what happened to which units, when, by what decision."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Created")
        RENAME = "rename", _("Renamed")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        SPLIT = "split", _("Split")
        DISSOLVE = "dissolve", _("Dissolved")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"))
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    from_units = models.ManyToManyField(
        Unit, verbose_name=_("from units"), related_name="changes_from", blank=True
    )
    to_units = models.ManyToManyField(
        Unit, verbose_name=_("to units"), related_name="changes_to", blank=True
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class Term(models.Model):
    """A unit's term (nhiệm kỳ), e.g. ``2015-2020``."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="terms"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example 2020-2025."))
    name = models.CharField(_("name"), max_length=120, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="term_unique_code_per_unit"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="term_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name or _("Term %(code)s") % {"code": self.code}


class Person(models.Model):
    """A person: party member, cadre or both. Not every person has a login."""

    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    class Status(models.TextChoices):
        OFFICIAL = "official", _("Official member")
        PROBATION = "probation", _("Probationary member")
        NON_MEMBER = "none", _("Not a party member")
        LEFT = "left", _("Left the party")
        DECEASED = "deceased", _("Deceased")

    full_name = models.CharField(_("full name"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, default="Kinh", blank=True)
    hometown = models.CharField(_("hometown"), max_length=200, blank=True)
    party_card_number = models.CharField(
        _("party card number"), max_length=20, null=True, blank=True, unique=True
    )
    #: Căn cước công dân: twelve digits.
    citizen_id = models.CharField(
        _("citizen ID"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{12}$", _("A citizen ID has twelve digits."))],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    joined_on = models.DateField(_("admitted on"), null=True, blank=True)
    official_on = models.DateField(_("official on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OFFICIAL
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["search_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if "full_name" in update_fields:
                update_fields = {*update_fields, "search_name"}
            if "birth_date" in update_fields:
                update_fields = {*update_fields, "birth_year"}
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)


class PositionQuerySet(CurrentQuerySet):
    pass


class Position(models.Model):
    """A person holds a title in a unit for a period; it grants a role on that unit."""

    class Body(models.TextChoices):
        NONE = "", _("—")
        BCH = "bch", _("Executive committee (BCH)")
        BTV = "btv", _("Standing committee (BTV)")
        TT = "tt", _("Standing members (Thường trực)")
        CHI_UY = "chiuy", _("Cell committee (chi ủy)")
        GOV = "gov", _("Government / People's Council")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.CharField(_("body"), max_length=8, choices=Body.choices, blank=True, default="")
    term = models.ForeignKey(
        Term,
        verbose_name=_("term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    role = models.PositiveSmallIntegerField(
        _("role granted"), choices=Role.choices, default=Role.VIEW
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["sort_order", "-start", "id"]
        indexes = [models.Index(fields=["unit", "end"]), models.Index(fields=["person", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="position_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.unit}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start <= today and (self.end is None or self.end >= today)


class MembershipQuerySet(CurrentQuerySet):
    pass


class Membership(models.Model):
    """A person is a member of a unit (normally a chi bộ) from a date to a date."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-start"]
        indexes = [models.Index(fields=["unit", "end"]), models.Index(fields=["person", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.unit}"


class GrantQuerySet(CurrentQuerySet):
    pass


class Grant(models.Model):
    """A role of a user on a unit's subtree. The permission policy reads grants only.

    Grants are derived from positions and memberships (``source`` says which) by
    ``grants_sync_for_person``, or given directly by an administrator.
    """

    class Source(models.TextChoices):
        DIRECT = "direct", _("Given directly")
        POSITION = "position", _("From a position")
        MEMBERSHIP = "membership", _("From membership")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.PositiveSmallIntegerField(_("role"), choices=Role.choices)
    source = models.CharField(
        pgettext_lazy("grant", "source"), max_length=10, choices=Source.choices, default=Source.DIRECT
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        indexes = [models.Index(fields=["user", "end"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} {self.unit}"
