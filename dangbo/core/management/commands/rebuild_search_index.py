"""``manage.py rebuild_search_index [--kind KIND ...]``: write the search index again.

Without ``--kind`` every registered kind is rebuilt and entries of kinds nobody registers
any more are dropped. Prints how many entries were written.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import search


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Rebuild the search index from the data (every kind, or the kinds given)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            metavar="KIND",
            help=gettext_lazy("Only this kind (repeat for several): %(kinds)s.")
            % {"kinds": ", ".join(k.name for k in search.kinds())},
        )

    def handle(self, *args, **options):
        kinds = options["kinds"]
        known = {k.name for k in search.kinds()}
        unknown = [kind for kind in kinds or [] if kind not in known]
        if unknown:
            raise CommandError(
                _("Unknown kind: %(kinds)s. Known kinds: %(known)s.")
                % {"kinds": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        began = time.monotonic()
        count = search.rebuild(kinds)
        self.stdout.write(
            _("Indexed %(count)d entries in %(seconds).1f s.")
            % {"count": count, "seconds": time.monotonic() - began}
        )
