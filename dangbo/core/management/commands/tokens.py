"""``manage.py tokens``: list and revoke API tokens (``create_token`` issues them).

::

    manage.py tokens list [username] [--all]     active tokens (--all: revoked ones too)
    manage.py tokens revoke <id>                 one token, by the id ``list`` shows
    manage.py tokens revoke <username>           every active token of that user

Run by whoever operates the server, so the audit trail records the system as the actor.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangbo.core import accounts
from dangbo.core.models import ApiToken


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "List or revoke API tokens."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        listing = commands.add_parser("list", help="List API tokens, newest first.")
        listing.add_argument("username", nargs="?", help="Only this user's tokens.")
        listing.add_argument("--all", action="store_true", help="Show revoked tokens too.")
        revoke = commands.add_parser("revoke", help="Revoke a token by id, or all of a user's.")
        revoke.add_argument("target", help="A token id, or a username.")
        revoke.add_argument("--reason", default="", help="Recorded in the audit trail.")

    def _user(self, username: str):
        user = accounts.user_by_username(username)
        if user is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": username})
        return user

    def handle(self, *args, **options):
        if options["command"] == "list":
            self._list(options["username"], include_revoked=options["all"])
        else:
            self._revoke(options["target"], reason=options["reason"])

    def _list(self, username: str | None, *, include_revoked: bool) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
        if username:
            tokens = tokens.filter(user=self._user(username))
        if not include_revoked:
            tokens = tokens.filter(revoked_at__isnull=True)
        rows = [
            (
                str(t.pk), t.user.get_username(), f"{t.prefix}…", t.name or "-",
                _when(t.created_at), _when(t.last_used_at),
                _("revoked %(when)s") % {"when": _when(t.revoked_at)} if t.revoked_at else _("active"),
            )
            for t in tokens
        ]
        header = ("ID", _("User"), _("Token"), _("Name"), _("Issued"), _("Last used"), _("Status"))
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def _revoke(self, target: str, *, reason: str) -> None:
        if target.isdigit():
            token = ApiToken.objects.filter(pk=int(target)).first()
            if token is None:
                raise CommandError(_("There is no token with id %(id)s.") % {"id": target})
            if accounts.token_revoke(actor=None, token=token, reason=reason):
                self.stdout.write(
                    _("Token %(prefix)s… of %(username)s revoked.")
                    % {"prefix": token.prefix, "username": token.user.get_username()}
                )
            else:
                self.stdout.write(_("Token %(prefix)s… was already revoked.") % {"prefix": token.prefix})
            return
        user = self._user(target)
        count = accounts.tokens_revoke_all(actor=None, user=user, reason=reason)
        message = ngettext(
            "%(count)s token of %(username)s revoked.", "%(count)s tokens of %(username)s revoked.", count
        )
        self.stdout.write(message % {"count": count, "username": target})
