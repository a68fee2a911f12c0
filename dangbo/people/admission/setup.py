"""What the admission area registers when the app is ready: its policies (first), nav links, search
kinds, audit labels and its part of the daily scan. Called from
``dangbo.people.apps.PeopleConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: How the candidates' audit entries read in a history (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "candidate.create": _("Candidate added"),
    "candidate.certificate": _("Awareness-class certificate recorded"),
    "candidate.forms": _("File forms ticked"),
    "candidate.resolution": _("Cell resolution recorded"),
    "candidate.extend": _("Deadline extended"),
    "candidate.decision": _("Admission decision recorded"),
    "candidate.ceremony": _("Admission ceremony held"),
    "candidate.review": _("Cell review recorded"),
    "candidate.recognise": _("Recognised as an official member"),
    "candidate.stop": _("Candidacy stopped"),
    "candidate.probationary": _("Probationary member followed"),
    "person.admitted": _("Admitted as a probationary member"),
    "person.recognised": _("Became an official member"),
    "admission_target.set": _("Admission target set"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    "sector": _("Sector"),
    "stage": _("Stage"),
    "due_date": _("Due date"),
    "certificate_number": _("Certificate number"),
    "certificate_on": _("Certificate issued on"),
    "certificate_valid_to": _("Certificate valid to"),
    "forms_done": _("Forms done"),
    "resolution_on": _("Cell resolution on"),
    "decision_extended": _("Decision deadline extended"),
    "decision_number": _("Decision number"),
    "decision_on": _("Decision on"),
    "ceremony_on": _("Ceremony on"),
    "helper": _("Helper"),
    "probation_end": _("End of probation"),
    "review_on": _("Cell review on"),
    "recognition_extended": _("Recognition deadline extended"),
    "recognition_number": _("Recognition decision number"),
    "recognition_on": _("Recognition decision on"),
    "official_on": _("Official on"),
    "stopped_on": _("Stopped on"),
    "stop_reason": _("Reason"),
    "residential": _("Residential areas"),
    "enterprise": _("Private enterprises"),
    "total": _("New members"),
}


def ready() -> None:
    from dangbo.assignments import scan as daily
    from dangbo.core import audit, evidence, nav, search

    from . import policy  # noqa: F401 - registers the candidates' permission policy
    from .evidence import ADMITTED, ADMITTED_FIGURE, admitted_figures
    from .models import Candidate
    from .scan import scan_candidates
    from .services import search_candidate

    daily.register(scan_candidates)
    evidence.register("admissions", label=ADMITTED, subjects={"unit_tree"}, collect=admitted_figures,
                      figures={ADMITTED_FIGURE: ADMITTED})
    search.register(
        "candidate", label=_("Candidate"), build=search_candidate,
        queryset=lambda: Candidate.objects.select_related("person", "unit"),
    )
    audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
    nav.register_link(
        nav.MAIN, section="admission", url_name="people:admission_pipeline", label=_("Admission"), order=64
    )
