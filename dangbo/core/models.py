from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change made through the system: who, when, what, before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("object"), max_length=300)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """Fields that differ between before and after, as (field, old, new)."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str = "") -> tuple[ApiToken, str]:
        raw = "dgb_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.digest_of(raw), prefix=raw[:8])
        return token, raw


class SearchEntry(models.Model):
    """One thing a user may find through the search box (see ``dangbo.core.search``).

    ``title``, ``number`` and ``body`` keep the original text (for display and snippets);
    the ``*_text`` columns hold it folded and tokenised, which is what the full-text index
    reads: an FTS5 table kept in sync by triggers on SQLite, generated ``search_vector`` and
    ``head_vector`` columns with a GIN index on PostgreSQL (all made by migration 0003,
    outside the model).

    On SQLite, a migration that rebuilds this table (altering a column) drops the triggers
    and the join index: recreate them in the same migration. On PostgreSQL the ``*_text``
    columns feed the generated columns: change them only after dropping those.
    """

    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    title = models.TextField()
    number = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)
    facets = models.JSONField(default=dict, blank=True)
    # Also visible to the users of the units below ``unit_id`` (a document sent down).
    shared_down = models.BooleanField(default=False)
    number_key = models.CharField(max_length=100, blank=True)
    number_text = models.TextField(blank=True)
    title_text = models.TextField(blank=True)
    body_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object")
        ]
        indexes = [
            models.Index(
                fields=["unit_id"], condition=Q(shared_down=True), name="searchentry_shared_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class Notification(models.Model):
    """Something one person should know about: shown under the bell, sent in the daily digest.

    Written by ``dangbo.core.notifications.notify``; ``key`` (when given) makes it
    idempotent per user. ``emailed_at`` is set by the digest that carried it.
    """

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        URGENT = "urgent", _("Urgent")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.INFO)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_unique_key"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_time"),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_not_emailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} → {self.user_id}: {self.title}"


class NotificationPreference(models.Model):
    """How one person wants to hear about notifications; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_digest = models.BooleanField(_("daily e-mail digest"), default=True)
    language = models.CharField(_("e-mail language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: digest {'on' if self.email_digest else 'off'}"


class DigestEmail(models.Model):
    """One daily digest e-mail sent to one person: at most one per person and day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_emails"
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    count = models.PositiveIntegerField(_("notifications"), default=0)

    class Meta:
        verbose_name = _("digest e-mail")
        verbose_name_plural = _("digest e-mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digestemail_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.count}"


class ScheduledRun(models.Model):
    """A daily job enqueued for one day (see ``dangbo.core.schedule``): at most once a day."""

    name = models.CharField(max_length=64)
    day = models.DateField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="scheduledrun_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class Heartbeat(models.Model):
    """The last sign of life of a background process (``worker``, ``scheduler``): written by
    the process itself every ``every_seconds``, read by ``/healthz`` (``dangbo.core.health``)."""

    name = models.CharField(max_length=32, unique=True)
    beat_at = models.DateTimeField(default=timezone.now)
    every_seconds = models.PositiveIntegerField()
    pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class CalendarDay(models.Model):
    """A day the government moved: an extra day off, or a weekend day made a working day.

    Each year the government announces how the public holidays fall (the Tết and 30/4–1/5
    bridges, with a Saturday worked in exchange). The public holidays themselves and the days
    off in lieu come from the ``holidays`` package; these rows add the year's announcements and
    win over the package for their date. Read by ``dangbo.core.workdays``.
    """

    class Kind(models.TextChoices):
        OFF = "off", _("Day off")
        WORKDAY = "workday", _("Make-up working day")

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("source document"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        indexes = [models.Index(fields=["year"], name="calendarday_year")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        self.year = self.date.year
        super().save(*args, **kwargs)


class DeadlineRule(models.Model):
    """One version of a deadline rule: how many days, counted how, by which document, when.

    A rule (``code``, such as ``citizens.acknowledge``) has one row per version; the version in
    force on a day is the one whose ``effective_from``/``effective_to`` hold it (``current``).
    Apps name their rules in a data migration; the office corrects them here, never in code.
    """

    class Counting(models.TextChoices):
        WORKING = "working", _("Working days")
        CALENDAR = "calendar", _("Calendar days")

    code = models.CharField(_("rule"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    days = models.PositiveSmallIntegerField(_("number of days"), validators=[MinValueValidator(1), MaxValueValidator(3650)])
    counting = models.CharField(_("counted in"), max_length=16, choices=Counting.choices)
    source = models.CharField(_("source document"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="deadlinerule_unique_version"),
            # A version that ends before it starts is refused by the database too (a script, a
            # fixture, a bulk update), not only by ``clean``.
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="deadlinerule_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"

    def clean(self) -> None:
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("A rule cannot end before it starts.")})

    def deadline(self, start: dt.date) -> dt.date:
        """The last day of the period that starts the day after ``start`` (the day of receipt):
        ``days`` working days later, or ``days`` calendar days later."""
        from dangbo.core import workdays  # workdays reads CalendarDay from this module

        if self.counting == self.Counting.WORKING:
            return workdays.add(start, self.days)
        return start + dt.timedelta(days=self.days)

    @classmethod
    def current(cls, code: str, on: dt.date) -> DeadlineRule:
        """The version of rule ``code`` in force on ``on`` (the latest that started by then)."""
        rule = (
            cls.objects.filter(code=code, effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .order_by("-effective_from")
            .first()
        )
        if rule is None:
            raise cls.DoesNotExist(f"no version of deadline rule {code!r} is in force on {on.isoformat()}")
        return rule
