"""``manage.py create_token <username> [--name NAME]``: issue an API token.

Only the raw token is printed, on one line, so scripts can capture it. It is shown once:
the database keeps its digest only.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangbo.core.models import ApiToken


class Command(BaseCommand):
    help = "Issue a new API token for a user and print it (only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, **options):
        User = get_user_model()
        username = options["username"]
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                _("There is no user “%(username)s”.") % {"username": username}
            ) from None
        if not user.is_active:
            raise CommandError(_("The user “%(username)s” is not active.") % {"username": username})
        _token, raw = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(raw)
