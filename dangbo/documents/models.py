"""The register of leadership documents (văn bản lãnh đạo).

A document is written ``<number>-<type abbreviation>/<issuer abbreviation>`` (``05-CT/TW``);
a party document's number is digits only and restarts for each type within each term of the
issuer, so "number, type abbreviation, issuer and term" identifies it (``numbering``); a state
document's number restarts each year (``30/2020/NĐ-CP``). Types, outside issuers and fields are catalogues (data).

Every document belongs to the unit that registered it (``unit``): the permission policy
scopes it by that unit. A document marked ``shared_down`` (the default for central and
provincial documents the city office registers) is also visible to everyone below it.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangbo.core.validators import not_before_1930
from dangbo.orgs.models import Person, Term, Unit

_DIGITS = re.compile(r"^0*(\d+)$")
PARTY_NUMBER = re.compile(r"^\d+$")

#: A number as written on a document: it begins with a digit other than a lone 0
#: ("05", "687", "30/2020"), so "-5", "0" and "abc" are refused.
document_number = RegexValidator(
    r"^0*[1-9]", message=_("The number begins with a digit and is not 0, e.g. 05 or 687.")
)


def normalize_number(number: str | None) -> str:
    """``"5"`` and ``"005"`` → ``"05"`` (a leading zero below 10); other forms are kept."""
    number = (number or "").strip()
    match = _DIGITS.match(number)
    if match:
        return match.group(1).zfill(2)
    return number


def make_symbol(number: str, type_abbr: str, issuer_abbr: str, kind: str = "party") -> str:
    """``05-CT/TW`` for party documents; ``30/2020/NĐ-CP`` style for state ones."""
    if kind == "state":
        return f"{number}/{type_abbr}-{issuer_abbr}" if issuer_abbr else f"{number}/{type_abbr}"
    return f"{number}-{type_abbr}/{issuer_abbr}" if issuer_abbr else f"{number}-{type_abbr}"


class DocumentType(models.Model):
    """A kind of document and its abbreviation in numbers (NQ, CT, KH, QĐi…)."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party document")
        STATE = "state", _("State document")

    abbr = models.CharField(_("abbreviation"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.PARTY)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    sentence_name = models.CharField(
        _("name in report sentences"),
        max_length=120,
        blank=True,
        help_text=_("How a count of this type reads in a report, e.g. “chương trình hành động”. "
                    "Empty: the name in lower case."),
    )
    sentence_order = models.PositiveSmallIntegerField(
        _("order in report sentences"), default=100
    )
    valid_from = models.DateField(_("used from"), null=True, blank=True)
    valid_to = models.DateField(_("used until"), null=True, blank=True)
    source = models.CharField(_("source document"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbr})"

    @property
    def counted_name(self) -> str:
        """The words after a count in a report sentence (``11 kết luận chuyên đề``)."""
        return self.sentence_name or self.name[:1].lower() + self.name[1:]


class Issuer(models.Model):
    """An issuing body outside the registered tree (Bộ Chính trị, Tỉnh ủy…), or a named
    issuer for a registered unit. Issuers of one ``series`` share one numbering
    (Bộ Chính trị, Ban Bí thư and the Central Committee all number ``…/TW``)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    abbr = models.CharField(_("abbreviation"), max_length=20)
    series = models.CharField(
        _("numbering series"),
        max_length=40,
        blank=True,
        help_text=_("Issuers with the same series share one numbering. Empty: its own."),
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issuers",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbr})"


class Field(models.Model):
    """A field of work (lĩnh vực): kinh tế, xây dựng Đảng, cải cách hành chính…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        AMENDED = "amended", _("Amended")
        REPLACED = "replaced", _("Replaced")
        EXPIRED = "expired", _("Expired")

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("registering unit"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The unit whose register holds the document; it decides who sees it."),
    )
    type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="documents"
    )
    number = models.CharField(_("number"), max_length=20, validators=[document_number])
    type_abbr = models.CharField(_("type abbreviation"), max_length=10)
    issuer_abbr = models.CharField(_("issuer abbreviation"), max_length=20, blank=True)
    symbol = models.CharField(_("number and symbol"), max_length=80)
    issuer = models.ForeignKey(
        Issuer,
        verbose_name=_("issuer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    issuing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    issuer_key = models.CharField(max_length=60, editable=False)
    #: The numbering the number belongs to: ``t:<term code>`` (party documents of a term),
    #: else ``y:<year>``. Unique with the type, the number and the issuer.
    numbering = models.CharField(max_length=30, editable=False, default="")
    date = models.DateField(_("date"), validators=[not_before_1930])
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    title = models.CharField(_("title"), max_length=500, help_text=_("The trích yếu."))
    summary = models.TextField(_("summary"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    signer = models.CharField(_("signer"), max_length=120, blank=True)
    signer_person = models.ForeignKey(
        Person,
        verbose_name=_("signer (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signed_documents",
    )
    term = models.ForeignKey(
        Term,
        verbose_name=_("term"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    term_code = models.CharField(_("term"), max_length=20, blank=True, db_index=True)
    fields = models.ManyToManyField(
        Field, verbose_name=_("fields"), blank=True, related_name="documents"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    shared_down = models.BooleanField(
        _("visible to the units below"),
        default=True,
        help_text=_("Everyone in the units below the registering unit may read it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["unit", "-date"]),
            models.Index(fields=["type_abbr", "number", "issuer_abbr"]),
            models.Index(fields=["term_code", "type"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["type_abbr", "number", "issuer_key", "numbering"],
                name="document_unique_number_per_issuer_numbering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} – {self.title}"[:300]

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])

    @property
    def issuer_name(self) -> str:
        if self.issuer_id:
            return self.issuer.name  # type: ignore[union-attr]
        if self.issuing_unit_id:
            return self.issuing_unit.name  # type: ignore[union-attr]
        return ""

    def compute_derived(self) -> None:
        """Fill the fields derived from the others (called by the services)."""
        self.number = normalize_number(self.number)
        if not self.type_abbr and self.type_id:
            self.type_abbr = self.type.abbr
        if self.issuer_id and not self.issuing_unit_id and self.issuer.unit_id:  # type: ignore[union-attr]
            self.issuing_unit_id = self.issuer.unit_id  # type: ignore[union-attr]
        if not self.issuer_abbr and self.issuer_id:
            self.issuer_abbr = self.issuer.abbr  # type: ignore[union-attr]
        if self.issuer_id:
            self.issuer_key = "s:" + (self.issuer.series or f"i{self.issuer_id}")  # type: ignore[union-attr]
        elif self.issuing_unit_id:
            self.issuer_key = f"u{self.issuing_unit_id}"
        else:
            self.issuer_key = "a:" + self.issuer_abbr
        kind = self.type.kind if self.type_id else "party"
        self.symbol = make_symbol(self.number, self.type_abbr, self.issuer_abbr, kind)
        if self.date:
            self.year = self.date.year
        if self.term_id:
            self.term_code = self.term.code  # type: ignore[union-attr]
        elif kind == "party" and not self.term_code and self.date and self.issuing_unit_id:
            term = (
                Term.objects.filter(unit_id=self.issuing_unit_id, start__lte=self.date)
                .filter(Q(end__isnull=True) | Q(end__gte=self.date))
                .order_by("-start")
                .first()
            )
            if term is not None:
                self.term, self.term_code = term, term.code
        self.numbering = numbering_of(kind, self.term_code, self.year)

    @property
    def is_party(self) -> bool:
        return not self.type_id or self.type.kind == DocumentType.Kind.PARTY


def numbering_of(kind: str, term_code: str, year: int | None) -> str:
    """Which numbering a number belongs to: the term for a party document that has one,
    else the year."""
    if kind == DocumentType.Kind.PARTY and term_code:
        return f"t:{term_code}"
    return f"y:{year}"


class DocumentRelation(models.Model):
    """``from_document`` implements / amends / replaces ``to_document``."""

    class Kind(models.TextChoices):
        IMPLEMENTS = "implements", _("Implements")
        AMENDS = "amends", _("Amends")
        REPLACES = "replaces", _("Replaces")

    from_document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="relations_from"
    )
    to_document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="relations_to"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document relation")
        verbose_name_plural = _("document relations")
        indexes = [models.Index(fields=["to_document", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["from_document", "to_document", "kind"], name="document_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_document=models.F("to_document")),
                name="document_relation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_document_id} {self.kind} {self.to_document_id}"


class StoredFile(models.Model):
    """An uploaded file with its name, type, size and checksum, as the services check and
    keep it; downloads go through a permission-checked view. Each kind of file gives its own
    ``file`` field (its folder)."""

    file: FieldFile
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


def _upload_to(instance: DocumentFile, filename: str) -> str:
    return f"documents/{timezone.now():%Y/%m}/{filename}"


class DocumentFile(StoredFile):
    """A file attached to a document; its text is extracted for search and citations."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=300)
    text = models.TextField(_("extracted text"), blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")


class DocumentCitation(models.Model):
    """A citation of another document found in this one's summary or full text."""

    class Source(models.TextChoices):
        TITLE = "title", pgettext_lazy("document", "Title")
        SUMMARY = "summary", _("Summary")
        FULL_TEXT = "full_text", _("Full text")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citations")
    source = models.CharField(max_length=10, choices=Source.choices)
    raw = models.CharField(max_length=200)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    number = models.CharField(max_length=20, blank=True)
    type_abbr = models.CharField(max_length=10, blank=True)
    issuer_abbr = models.CharField(max_length=20, blank=True)
    type_name = models.CharField(max_length=120, blank=True)
    issuer_name = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    target = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["source", "start"]
        indexes = [models.Index(fields=["type_abbr", "number", "issuer_abbr"])]

    def __str__(self) -> str:
        return self.raw


# --- Study and dissemination (học tập, quán triệt) ---------------------------------------


class StudySession(models.Model):
    """A session where members study one or more documents (hội nghị học tập, quán triệt).

    ``unit`` organises it (and decides who sees it); ``required_units`` must attend. When
    the session is created, every member of a required unit (on the session's date) gets an
    attendance row, so completion is "members who attended / members required".
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    documents = models.ManyToManyField(
        Document, verbose_name=_("documents"), related_name="study_sessions"
    )
    required_units = models.ManyToManyField(
        Unit, verbose_name=_("units required to attend"), related_name="required_study_sessions"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "-date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:study_detail", args=[self.pk])


class StudyAttendance(models.Model):
    """One member expected at a session: who, from which required unit, present or not."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    required_unit = models.ForeignKey(
        Unit, verbose_name=_("required unit"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("member's unit"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The unit (chi bộ) the member belonged to on the session's date."),
    )
    attended = models.BooleanField(_("attended"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="study_attendance_once"),
        ]
        indexes = [models.Index(fields=["session", "required_unit"])]

    def __str__(self) -> str:
        return f"{self.session_id} {self.person_id} {self.attended}"


def _material_upload_to(instance: StudyMaterial, filename: str) -> str:
    return f"study/{timezone.now():%Y/%m}/{filename}"


class StudyMaterial(StoredFile):
    """A file handed out at a session (slides, the document's outline…)."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("file"), upload_to=_material_upload_to, max_length=300)

    class Meta(StoredFile.Meta):
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
