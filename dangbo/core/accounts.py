"""Accounts: API tokens (issue, list, revoke), what a password change does, and the
throttle on password-reset requests.

A password change revokes every API token of the user, whichever way the password was set:
the change and reset pages, ``manage.py changepassword``, ``User.set_password()`` in a shell
or a script. All of these save the user after ``set_password()``, and Django then calls
``password_changed()`` of each password validator configured in ``AUTH_PASSWORD_VALIDATORS``;
``RevokeApiTokensOnPasswordChange`` there calls ``password_changed`` below, the one place
that revokes the tokens and writes the audit entry. Django does not call it when it only
re-hashes a password on login (a new hasher or more iterations), so an upgrade of Django
does not revoke anyone's tokens.

Who changed the password is known to the page that changed it, not to Django's hook: the
page wraps the change in ``with changed_by(user):``; anything else is recorded as the system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .audit import audit_record, snapshot
from .models import ApiToken
from .policy import Action

_ACTOR: ContextVar[Any] = ContextVar("dangbo_password_actor", default=None)


def is_account_admin(user: Any) -> bool:
    """May list and revoke everyone's API tokens: superusers and staff."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False))


# --- API tokens -------------------------------------------------------------------------


@policy.register(ApiToken)
class ApiTokenPolicy(policy.Policy[ApiToken]):
    """A token is seen and revoked by its owner, and by an account admin (staff, superuser)."""

    def may(self, user: Any, action: Action, obj: ApiToken) -> bool:
        return action in (Action.VIEW, Action.CHANGE) and (obj.user_id == user.pk or is_account_admin(user))

    def scope(self, user: Any, action: Action = Action.VIEW) -> Q:
        if action not in (Action.VIEW, Action.CHANGE):
            return Q(pk__in=[])
        return Q() if is_account_admin(user) else Q(user=user)


def tokens_for_user(user: Any, *, owner: Any = None, include_revoked: bool = False) -> QuerySet[ApiToken]:
    """The tokens ``user`` may see, newest first: their own; an admin sees everyone's
    (or ``owner``'s only, when given)."""
    tokens = policy.visible(user, ApiToken.objects.select_related("user")).order_by("-created_at", "-id")
    if owner is not None:
        tokens = tokens.filter(user=owner)
    if not include_revoked:
        tokens = tokens.filter(revoked_at__isnull=True)
    return tokens


def get_token_for_user(user: Any, pk: int) -> ApiToken:
    """One token ``user`` may revoke; someone else's is a 404, like a missing id."""
    return policy.get_for_user(user, ApiToken.objects.select_related("user"), pk, Action.CHANGE)


@transaction.atomic
def token_create(*, actor: Any, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns it and its secret, which is never stored."""
    policy.require(actor, ApiToken(user=user), Action.CHANGE)
    token, raw = ApiToken.issue(user=user, name=name.strip())
    after = {"name": token.name, "prefix": token.prefix}
    audit_record(actor=actor, action="api_token.create", obj=token, after=after)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken, reason: str = "") -> bool:
    """Revoke one token; ``False`` when it was revoked already (nothing changes)."""
    policy.require(actor, token, Action.CHANGE)
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    token.revoked_at = now
    after = snapshot(token, ["revoked_at"])
    audit_record(actor=actor, action="api_token.revoke", obj=token, after=after, reason=reason)
    return True


@transaction.atomic
def tokens_revoke_all(*, actor: Any, user: Any, reason: str = "") -> int:
    """Revoke every active token of ``user``; returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    return sum(token_revoke(actor=actor, token=token, reason=reason) for token in tokens)


# --- Password changes -------------------------------------------------------------------


@contextmanager
def changed_by(actor: Any) -> Iterator[None]:
    """Record ``actor`` as the one who changes a password inside the block."""
    token = _ACTOR.set(actor)
    try:
        yield
    finally:
        _ACTOR.reset(token)


@transaction.atomic
def password_changed(*, user: Any) -> int:
    """``user``'s password was just set: revoke their API tokens and record the change.

    Called by ``RevokeApiTokensOnPasswordChange`` (see the module docstring); returns how
    many tokens were revoked."""
    actor = _ACTOR.get()
    revoked = tokens_revoke_all(actor=actor, user=user, reason=_("Password changed"))
    after = {"tokens_revoked": revoked}
    audit_record(actor=actor, action="user.password_change", obj=user, after=after)
    return revoked


class RevokeApiTokensOnPasswordChange:
    """Not a rule on passwords: the hook Django calls after any password is set and saved.

    Its help text, listed under the new-password field, tells people what will happen."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def get_help_text(self) -> str:
        return _("Setting a new password revokes your API tokens.")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            password_changed(user=user)


# --- Password-reset throttle ------------------------------------------------------------


def _throttle_keys(email: str, ip: str) -> list[tuple[str, int]]:
    return [
        (f"dangbo:pwreset:email:{email.strip().casefold()}", settings.DANGBO_PASSWORD_RESET_PER_EMAIL),
        (f"dangbo:pwreset:ip:{ip}", settings.DANGBO_PASSWORD_RESET_PER_IP),
    ]


def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Count one reset request for ``email`` from ``ip``; ``False`` once either has made
    too many in the last hour (``DANGBO_PASSWORD_RESET_PER_EMAIL``/``_PER_IP``).

    The counts live in Django's cache (a fixed one-hour window from the first request);
    with several server processes, configure a shared cache (``CACHES``)."""
    window = int(dt.timedelta(hours=1).total_seconds())
    allowed = True
    for key, limit in _throttle_keys(email, ip):
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        allowed = allowed and count <= limit
    return allowed


def user_by_username(username: str) -> Any:
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()
