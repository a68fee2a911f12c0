"""Notifications: in the app (the bell) and by e-mail, as one daily digest per person.

Apps tell people about things with :func:`notify`; nothing here knows any domain::

    from dangbo.core import notifications

    notifications.notify(
        task.responsible_users(), verb="task.due_soon", title=f"Sắp đến hạn: {task.title}",
        url=task.get_absolute_url(), obj=task, key=f"task.due_soon:{task.pk}:{task.deadline}",
    )

* :func:`notify` writes the rows **directly, in the caller's transaction**: if the caller's
  change rolls back, so do its notifications, and the return value is the number created.
  No e-mail is sent then: e-mail goes out once a day, in :func:`send_daily_digests`.
* ``key`` makes a notification idempotent per person (a unique constraint on
  ``(user, key)``): a daily scan run twice on the same day notifies nobody twice. Put in the
  key whatever makes the event new (``task.due_soon:<task>:<deadline>``).
* :func:`notify_many` writes many at once (``(user, fields)`` pairs, e.g. a daily scan's):
  the same rules, one query and one bulk insert per batch instead of per notification.
* :func:`send_daily_digests` sends one e-mail per person (with an e-mail address and the
  digest on) listing what has not been e-mailed yet, at most one digest per person and day.
  It runs as the daily job ``send_digests`` (``dangbo/core/tasks.py``, ``dangbo.core.schedule``)
  or by hand: ``manage.py send_digests [--today YYYY-MM-DD]``.

Reading state (read, e-mailed) is personal, not a change to the organisation's data: it is
not written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import policy
from .audit import audit_record, snapshot
from .models import DigestEmail, Notification, NotificationPreference
from .policy import Action

logger = logging.getLogger(__name__)

#: The most items one digest lists; the rest are counted and linked ("and 12 more").
DIGEST_MAX_ITEMS = 50
#: Where links in e-mails point when settings has no ``SITE_URL``.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"

Level = Notification.Level


# Writing ---------------------------------------------------------------------------------


def _recipients(user_or_users: Any) -> list[Any]:
    """Active users, each once, in the order given."""
    if user_or_users is None:
        return []
    users = [user_or_users] if isinstance(user_or_users, models.Model) else list(user_or_users)
    seen: set[int] = set()
    result = []
    for user in users:
        if user is None or user.pk in seen or not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        result.append(user)
    return result


def notify(
    user_or_users: Any,
    *,
    verb: str,
    title: str,
    url: str = "",
    body: str = "",
    obj: models.Model | None = None,
    key: str | None = None,
    level: str = "info",
) -> int:
    """Notify one user or each of several (a user, a list or a queryset of users).

    Rows are written now, in the current transaction (see the module's docstring). Inactive
    users and duplicates are skipped; with ``key``, so is every user who already has a
    notification with that key. Returns how many notifications were created.

    ``url`` is a path on this site (``/nhiem-vu/12/``). Bad arguments (empty verb or title,
    unknown level, a URL to another site) raise ``ValueError``: they are programming errors.
    """
    users = _recipients(user_or_users)
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"notify(url=…) must be a path on this site, not {url!r}")
    content_type = (
        ContentType.objects.get_for_model(obj, for_concrete_model=True) if obj is not None else None
    )
    prototype = Notification(
        verb=verb,
        title=title[:300],
        body=body,
        url=url,
        level=level,
        content_type=content_type,
        object_id=obj.pk if obj is not None else None,
        key=key or "",
    )
    try:
        prototype.full_clean(
            exclude=["user", "content_type"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        raise ValueError(f"notify(): {error.message_dict}") from error
    if not users:
        return 0
    if key:
        already = set(
            Notification.objects.filter(user__in=[u.pk for u in users], key=key).values_list(
                "user_id", flat=True
            )
        )
        users = [u for u in users if u.pk not in already]
        if not users:
            return 0
    now = timezone.now()
    rows = []
    for user in users:
        row = Notification(user=user, created_at=now)
        for field in ("verb", "title", "body", "url", "level", "content_type", "object_id", "key"):
            setattr(row, field, getattr(prototype, field))
        rows.append(row)
    # A concurrent notify() with the same key loses quietly to the unique constraint.
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    return len(rows)


#: The fields one :func:`notify_many` item may give (the keyword arguments of :func:`notify`).
_ITEM_FIELDS = frozenset({"verb", "title", "url", "body", "obj", "key", "level"})


def notify_many(items: Iterable[tuple[Any, Mapping[str, Any]]], *, batch_size: int = 2000) -> int:
    """Write many notifications at once: ``items`` are ``(user, fields)`` pairs, ``fields``
    the keyword arguments of :func:`notify` (``verb``, ``title``, ``url``, ``body``, ``obj``,
    ``key``, ``level``) for that one user.

    The rules are :func:`notify`'s: rows are written now, in the caller's transaction;
    ``None`` and inactive users are skipped; a (user, key) is never written twice — neither
    when it is already stored nor when it comes twice in ``items`` (the first wins); bad
    arguments raise ``ValueError``. The cost is one ``INSERT … ON CONFLICT DO NOTHING`` per
    batch of ``batch_size`` items (the unique constraint on (user, key) skips what is stored
    already; no look-up first, no model instance per item). Returns how many notifications
    were created.
    """
    total = 0
    batch: list[tuple] = []
    checked: set[tuple] = set()
    seen: set[tuple[int, str]] = set()
    types: dict[type, ContentType] = {}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for user, fields in items:
        row = _item_row(user, fields, now, checked, types)
        if row is None:
            continue
        key = row[_KEY]
        if key:
            if (row[0], key) in seen:
                continue
            seen.add((row[0], key))
        batch.append(row)
        if len(batch) >= batch_size:
            total += _insert_new(batch)
            batch = []
    if batch:
        total += _insert_new(batch)
    return total


def _check_url(url: str) -> None:
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"notify(url=…) must be a path on this site, not {url!r}")


#: The columns :func:`notify_many` writes, in the order of the tuples it builds.
_COLUMNS = ("user_id", "verb", "title", "body", "url", "level", "content_type_id", "object_id", "key",
            "created_at")
_KEY = _COLUMNS.index("key")
#: Their PostgreSQL types, for ``unnest`` of one array per column.
_PG_TYPES = ("bigint", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "timestamptz")


def _item_row(
    user: Any, fields: Mapping[str, Any], now: Any, checked: set[tuple], types: dict
) -> tuple | None:
    unknown = set(fields) - _ITEM_FIELDS
    if unknown:
        raise ValueError(f"notify_many(): unknown fields {sorted(unknown)}")
    obj = fields.get("obj")
    url = fields.get("url", "") or ""
    _check_url(url)
    content_type = None
    if obj is not None:
        model = type(obj)
        content_type = types.get(model)
        if content_type is None:
            content_type = types[model] = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    key: str = fields.get("key") or ""
    row = (
        getattr(user, "pk", 0),
        fields.get("verb", ""),
        (fields.get("title") or "")[:300],
        fields.get("body", "") or "",
        url,
        fields.get("level", "info"),
        content_type.pk if content_type else None,
        obj.pk if obj is not None else None,
        key,
        now,
    )
    # The whole row is validated like notify()'s once per kind of item; what varies from
    # one item to the next (the title, the link, the key) is checked on every item.
    signature = (row[1], row[5], row[6])
    if signature not in checked:
        prototype = Notification(**{c: v for c, v in zip(_COLUMNS[:-1], row[:-1], strict=True)})
        try:
            prototype.full_clean(exclude=["user", "content_type"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValueError(f"notify_many(): {error.message_dict}") from error
        checked.add(signature)
    elif not row[2] or len(url) > 500 or len(key) > 200:
        raise ValueError(f"notify_many(): a bad title, url or key in {dict(fields)!r}")
    if user is None or not getattr(user, "is_active", True):
        return None
    return row


def _insert_new(rows: list[tuple]) -> int:
    """Insert ``rows`` (tuples of ``_COLUMNS``) in one statement, but those whose (user, key) is
    stored already: ``ON CONFLICT DO NOTHING`` on the unique constraint (so a concurrent writer
    of the same key also loses quietly). Returns how many were inserted."""
    # Only names of this module's own model go into the SQL; every value is a parameter.
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(Notification._meta.db_table)} ({', '.join(quote(c) for c in _COLUMNS)})"
    # No savepoint: inside the caller's transaction a failure fails it, as notify()'s would.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: ten parameters whatever the batch, not ten per row.
            arrays = ", ".join(f"%s::{t}[]" for t in _PG_TYPES)
            cursor.execute(
                f"{insert} SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            marks = ", ".join(["%s"] * len(_COLUMNS))
            cursor.executemany(f"{insert} VALUES ({marks}) ON CONFLICT DO NOTHING", rows)
        return cursor.rowcount


# Reading ---------------------------------------------------------------------------------


def unread_count(user: Any) -> int:
    """How many notifications ``user`` has not read (0 for anonymous users). One COUNT query
    on a partial index."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s own notifications, newest first. Nobody sees anyone else's."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


@policy.register(Notification)
class NotificationPolicy(policy.Policy[Notification]):
    """A notification is its recipient's alone: read and marked read by them, nobody else."""

    superuser_may_all = False

    def may(self, user, action: Action, obj: Notification) -> bool:
        return action in (Action.VIEW, Action.CHANGE) and obj.user_id == user.pk

    def scope(self, user, action: Action = Action.VIEW) -> Q:
        return Q(user=user) if action in (Action.VIEW, Action.CHANGE) else Q(pk__in=[])


def get_notification_for_user(user: Any, pk: int) -> Notification:
    """One of ``user``'s notifications; anyone else's is not found (404)."""
    return policy.get_for_user(user, Notification, pk)


def preference_for(user: Any) -> NotificationPreference:
    """``user``'s preference, unsaved defaults when they never chose."""
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref or NotificationPreference(user=user)


# Reading state ---------------------------------------------------------------------------


def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    """Mark one of ``user``'s notifications read (idempotent)."""
    policy.require(user, notification, Action.CHANGE)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        # Only if still unread, so a concurrent mark keeps the first time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    """Mark all of ``user``'s notifications read; returns how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_update(
    *, actor: Any, user: Any, email_digest: bool, language: str = ""
) -> NotificationPreference:
    """Set whether ``user`` gets the daily e-mail digest, and in which language."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    before = snapshot(pref, ["email_digest", "language"])
    pref.email_digest = email_digest
    pref.language = language
    pref.full_clean()
    pref.save(update_fields=["email_digest", "language"])
    after = snapshot(pref, ["email_digest", "language"])
    if before != after:
        audit_record(
            actor=actor, action="notification_preference.update", obj=pref, before=before, after=after
        )
    return pref


# The daily digest ------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min),
        timezone.get_default_timezone(),
    )


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def digest_subject(*, count: int, day: dt.date) -> str:
    """``[dangbo] 3 thông báo mới ngày 25/11/2026``, in the active language."""
    return ngettext(
        "[dangbo] %(count)s new notification on %(date)s",
        "[dangbo] %(count)s new notifications on %(date)s",
        count,
    ) % {"count": count, "date": day.strftime("%d/%m/%Y")}


def _digest_recipients(day: dt.date) -> QuerySet:
    """Users due a digest for ``day``: active, with an e-mail address, the digest not turned
    off, something not yet e-mailed from before the end of ``day``, and no digest that day."""
    User = get_user_model()
    pending = Notification.objects.filter(
        user=models.OuterRef("pk"), emailed_at__isnull=True, created_at__lt=_end_of(day)
    )
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(notification_preference__email_digest=False)
        .exclude(digest_emails__day=day)
        .filter(models.Exists(pending))
        .select_related("notification_preference")
        .order_by("pk")
    )


def _send_one(user: Any, day: dt.date, connection: Any) -> bool:
    """Send ``user``'s digest for ``day``; False if another run got there first.

    The claim (a ``DigestEmail`` row, unique per person and day) is committed before the
    e-mail goes, so no transaction is held open while the mail server answers; if sending
    fails the claim is removed and the next run tries again.
    """
    with transaction.atomic():
        claim, created = DigestEmail.objects.get_or_create(user=user, day=day)
        if not created:
            return False
        ids = list(
            Notification.objects.filter(user=user, emailed_at__isnull=True, created_at__lt=_end_of(day))
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        if not ids:
            claim.delete()
            return False
        claim.count = len(ids)
        claim.save(update_fields=["count"])
    try:
        _digest_message(user, day, ids, connection).send()
    except Exception:
        claim.delete()
        raise
    now = timezone.now()
    Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    DigestEmail.objects.filter(pk=claim.pk).update(sent_at=now)
    return True


def _digest_message(user: Any, day: dt.date, ids: list[int], connection: Any) -> mail.EmailMessage:
    """The digest e-mail (text and HTML) listing the notifications ``ids``, in the person's
    language."""
    items = list(Notification.objects.filter(pk__in=ids[:DIGEST_MAX_ITEMS]).order_by("created_at", "id"))
    pref = getattr(user, "notification_preference", None)
    language = (pref.language if pref else "") or settings.LANGUAGE_CODE
    base = site_url()
    list_url = base + reverse("core:notifications")
    with translation.override(language):
        context = {
            "user": user,
            "name": _display_name(user),
            "day": day,
            "count": len(ids),
            "items": [(n, base + reverse("core:notification_open", args=[n.pk])) for n in items],
            "more": len(ids) - len(items),
            "list_url": list_url,
            "settings_url": list_url + "#cai-dat",
            "site_url": base,
        }
        subject = digest_subject(count=len(ids), day=day)
        text = render_to_string("emails/digest.txt", context)
        html = render_to_string("emails/digest.html", context)
    message = mail.EmailMultiAlternatives(subject=subject, body=text, to=[user.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def _display_name(user: Any) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "full_name", "") or user.get_full_name() or user.get_username()


def send_daily_digests(*, today: dt.date | None = None) -> int:
    """Send the digest of ``today`` (default: today in Asia/Ho_Chi_Minh) to everyone due one.

    One e-mail per person listing their notifications not yet e-mailed, created up to the
    end of ``today``; they are then marked e-mailed. At most one digest per person and day,
    so running it again the same day sends nothing (what arrives later goes in tomorrow's).
    A person whose e-mail fails is logged and retried on the next run; the others still get
    theirs. Returns the number of e-mails sent.
    """
    day = today or timezone.localdate()
    sent = 0
    users = list(_digest_recipients(day))
    if not users:
        return 0
    with mail.get_connection() as connection:
        for user in users:
            try:
                if _send_one(user, day, connection):
                    sent += 1
            except Exception:
                logger.exception("Could not send the digest of %s to user %s", day, user.pk)
    logger.info("Sent %s digest e-mail(s) for %s", sent, day)
    return sent

