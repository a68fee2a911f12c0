"""What the cadres area registers when the app is ready: its policies (first), nav links, search
kinds and audit labels. Called from ``dangbo.people.apps.PeopleConfig.ready``."""

from typing import Any

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "cadre.create": _("Cadre record created"),
    "cadre.update": _("Cadre record changed"),
    "cadre.training": _("Training course recorded"),
    "cadre.award": _("Award recorded"),
    "cadre_plan.create": _("Cadre planning created"),
    "cadre_plan.recheck": _("Criteria checked again"),
    "cadre_candidate.add": _("Candidate planned"),
    "cadre_candidate.remove": _("Candidate taken out of the planning"),
    "cadre_move.propose": _("Rotation or appointment proposed"),
    "cadre_move.decide": _("Rotation or appointment decided"),
    "cadre_move.take_up": _("Post taken up"),
    "cadre_move.complete": _("Rotation or appointment completed"),
    "cadre_move.cancel": _("Rotation or appointment cancelled"),
    "cadre_streamlining.record": _("Staff streamlining recorded"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    ("cadre.training", "name"): _("Course"),
    ("cadre.training", "kind"): _("Kind"),
    ("cadre.training", "institution"): _("Institution"),
    ("cadre.training", "start"): _("Start"),
    ("cadre.training", "end"): _("End"),
    ("cadre.training", "certificate"): _("Certificate"),
    ("cadre.award", "title"): _("Award"),
    ("cadre.award", "date"): _("Date"),
    ("cadre.award", "decision"): _("Decision"),
    ("cadre.award", "issuer"): _("Awarded by"),
    ("cadre_plan.recheck", "changed"): _("Candidates changed"),
    ("cadre_candidate.add", "person"): _("Person"),
    ("cadre_candidate.add", "title"): _("Position"),
    ("cadre_candidate.add", "all_met"): _("Meets every criterion"),
    ("cadre_candidate.add", "young"): _("Young cadre"),
    ("cadre_candidate.remove", "person"): _("Person"),
    ("cadre_candidate.remove", "title"): _("Position"),
}


def ready() -> None:
    from dangbo.core import audit, nav, search

    from . import policy  # noqa: F401 - registers the cadres' permission policies
    from .models import CadreProfile, Plan
    from .services import search_cadre, search_plan

    audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
    search.register(
        "cadre", label=_("Cadre record"), build=search_cadre,
        queryset=lambda: CadreProfile.objects.select_related("person", "unit"),
    )
    search.register(
        "cadre_plan", label=_("Cadre planning"), build=search_plan,
        queryset=lambda: Plan.objects.select_related("unit", "rule"),
    )
    nav.register_link(nav.MAIN, section="cadres", url_name="people:cadre_list", label=_("Cadres"), order=66)
