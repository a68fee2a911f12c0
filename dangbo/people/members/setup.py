"""What the members area registers when the app is ready: its policies (first), nav links, search
kinds and audit labels. Called from ``dangbo.people.apps.PeopleConfig.ready``.

People are already in the one search box: ``orgs`` registers the ``person`` kind (found by name,
cell and positions, within the person policy; a former member in the cell they were in last)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

#: How the members' audit entries read in a history (``dangbo.core.audit``).
AUDIT_ACTIONS = {
    "member.create": _("Member added"),
    "member.admit": _("Member put on a cell's roll"),
    "member.update": _("Member's record changed"),
    "member.transfer": _("Transferred within the city"),
    "member.transfer_out": _("Transferred out of the city"),
    "member.transfer_in": _("Transferred into the city"),
    "member.struck_off": _("Struck off the roll"),
    "member.expelled": _("Left the party"),
    "member.deceased": _("Deceased"),
    "member.letter": _("Introduction letter taken"),
    "member.export": _("Member roster exported"),
}
AUDIT_FIELDS: dict[str | tuple[str, str], Any] = {
    "cell": _("Party cell"),
    "destination": _("To the party organisation"),
    "origin": _("From the party organisation"),
    "letter_number": _("Introduction letter number"),
    "personal_data": _("With personal data"),
    "rows": _("Rows"),
    "event": _("Event"),
    ("member.create", "start"): _("On the cell's roll from"),
    ("member.admit", "start"): _("On the cell's roll from"),
}


def ready() -> None:
    from dangbo.core import audit, nav
    from dangbo.orgs import panels

    from . import policy  # noqa: F401 - registers the members' policies before any view

    audit.register_labels(actions=AUDIT_ACTIONS, fields=AUDIT_FIELDS)
    nav.register_link(
        nav.MAIN, section="members", url_name="people:member_list", label=_("Party members"), order=62
    )
    panels.register("people/members/_unit_panel.html")
