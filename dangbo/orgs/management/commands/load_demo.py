"""``python manage.py load_demo``: the Đông Hà (Quảng Trị) demo, loaded once."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import search
from dangbo.orgs.demo.loader import PASSWORD, DemoError, load_demo

#: How the apps' demo counts read on the console (an unknown key is shown as it is).
COUNT_LABELS = {
    "meetings": gettext_lazy("meetings"), "attendance": gettext_lazy("attendance records"),
    "guests": gettext_lazy("guests"), "visits": gettext_lazy("leaders' visits"),
    "scores": gettext_lazy("scores"), "score_items": gettext_lazy("scored criteria"),
    "decisions": gettext_lazy("decisions"), "assignments": gettext_lazy("leader assignments"),
    "cases": gettext_lazy("citizen cases"), "answered": gettext_lazy("answered"),
    "late": gettext_lazy("answered late"), "open": gettext_lazy("open"), "tasks": gettext_lazy("tasks"),
    "themes": gettext_lazy("annual themes"), "items": gettext_lazy("focus tasks and breakthroughs"),
    "commitments": gettext_lazy("commitments"), "indicators": gettext_lazy("indicators set"),
    "reception_days": gettext_lazy("reception days"), "dialogues": gettext_lazy("dialogues"),
    "plan_documents": gettext_lazy("plan documents"), "merged": gettext_lazy("merged duplicates"),
    "transfers": gettext_lazy("transfers within the city"), "transfers out": gettext_lazy("transfers out"),
    "transfers in": gettext_lazy("transfers in"), "leavings": gettext_lazy("members who left"),
    "personal data": gettext_lazy("records with personal data"),
    "probationary followed": gettext_lazy("probationary members followed"),
    "probationary flagged": gettext_lazy("probationary members flagged"),
    "probationary recognised": gettext_lazy("probationary members recognised"),
    "candidates awareness": gettext_lazy("candidates at the awareness class"),
    "candidates file": gettext_lazy("candidates at the file"),
    "candidates decision": gettext_lazy("candidates awaiting the decision"),
    "candidates ceremony": gettext_lazy("candidates awaiting the ceremony"),
    "candidates probation": gettext_lazy("candidates on probation"),
    "candidates recognition": gettext_lazy("candidates awaiting recognition"),
    "candidates official": gettext_lazy("candidates now official"),
    "candidates stopped": gettext_lazy("candidates stopped"),
    "targets": gettext_lazy("admission targets"), "cadre records": gettext_lazy("cadre records"),
    "cadre plans": gettext_lazy("cadre plans"), "planned candidates": gettext_lazy("planned candidates"),
    "not meeting a criterion": gettext_lazy("not meeting a criterion"),
    "rotations and appointments": gettext_lazy("rotations and appointments"),
    "streamlining rows": gettext_lazy("streamlining figures"), "ratings": gettext_lazy("ratings"),
    "ratings_rated": gettext_lazy("ratings pre-filled"), "ratings_adjusted": gettext_lazy("figures adjusted"),
    "disciplines": gettext_lazy("disciplines"),
}


def count_line(result: object) -> str:
    """An app's demo result as one line: ``120 cuộc họp, 3.400 lượt điểm danh`` (its own
    timing left out: the command gives the whole time once)."""
    if isinstance(result, dict):
        return ", ".join(
            f"{number_format(value, force_grouping=True) if isinstance(value, int) else value} "
            f"{COUNT_LABELS.get(key, key)}"
            for key, value in result.items() if key != "seconds"
        )
    return str(result) if result else ""


def load_app_demos(*, today) -> list[tuple[str, object]]:
    """Run ``<app>.demo.load(today=...)`` of every app that has one, in INSTALLED_APPS order.

    The organisation tree comes first (above); documents, tasks and meetings build on it.
    Each app's loader is idempotent, so running the command again adds nothing.
    """
    results = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangbo.") or config.name == "dangbo.orgs":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        results.append((str(config.verbose_name), module.load(today=today)))
    return results


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Load the demonstration data of the Đông Hà (Quảng Trị) city Party Committee: "
        "units, terms, about 4,000 party members, positions and demo accounts. "
        "Running it again changes nothing, apart from repairing the demo accounts."
    )

    def handle(self, *args, **options):
        import time

        began = time.monotonic()
        try:
            summary = load_demo()
        except (DemoError, ValidationError) as error:
            raise CommandError(
                _("The demo could not be loaded: %(error)s") % {"error": error}
            ) from error
        extras = load_app_demos(today=timezone.localdate())
        search.rebuild()  # everything the demo wrote, whichever app wrote it
        if options["verbosity"] < 1:
            return
        for label, result in extras:
            line = count_line(result)
            if line:
                self.stdout.write(f"  {label}: {line}")
        if summary.created:
            self.stdout.write(self.style.SUCCESS(_("The Đông Hà demo has been loaded.")))
        else:
            self.stdout.write(_("The Đông Hà demo was already loaded; nothing was added."))
        self.stdout.write(
            _(
                "%(units)s units, %(members)s party members, %(positions)s positions, "
                "%(terms)s terms, %(accounts)s demo accounts."
            )
            % {
                name: number_format(value, force_grouping=True)
                for name, value in {
                    "units": summary.units, "members": summary.members, "positions": summary.positions,
                    "terms": summary.terms, "accounts": len(summary.accounts),
                }.items()
            }
        )
        if summary.repaired and not summary.created:
            self.stdout.write(
                _("Accounts created or repaired: %(names)s.")
                % {"names": ", ".join(summary.repaired)}
            )
        self.stdout.write(_("Demo accounts (password: %(password)s):") % {"password": PASSWORD})
        for username, description in summary.accounts:
            self.stdout.write(f"  {username:<16} {description}")
        seconds = number_format(round(time.monotonic() - began, 1), 1)
        self.stdout.write(_("Done in %(seconds)s s.") % {"seconds": seconds})
