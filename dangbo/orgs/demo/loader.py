"""Write the demo plan to the database, once.

The handful of structural rows (units, terms, accounts) go through the services, so the
tree paths, the audit trail and the grants are exactly what the application itself would
write. The thousands of people, memberships and positions are bulk-inserted.

"Already loaded" means the city unit (code ``dongha``) exists. Then only the demo accounts
are checked (present, linked to their person, with the demo password and e-mail) and
repaired if needed; nothing else is touched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from dangbo.core.audit import audit_record
from dangbo.core.text import fold, normalize
from dangbo.orgs import services
from dangbo.orgs.models import Membership, Person, Position, Term, Unit, UnitChange, UnitKind

from . import dongha
from .plan import Plan, build_plan

PASSWORD = "dangbo-demo"  # noqa: S105 - the published password of the demo accounts
BATCH = 500


class DemoError(Exception):
    """The demo cannot be loaded into this database as it is."""


@dataclass
class Summary:
    created: bool
    units: int = 0
    members: int = 0
    positions: int = 0
    terms: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, description)
    repaired: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load_demo() -> Summary:
    """Load the Đông Hà demo if it is not there yet, and make sure its accounts work."""
    began = time.monotonic()
    plan = build_plan()
    with transaction.atomic():
        created = not Unit.objects.filter(code=dongha.CITY[0]).exists()
        if created:
            _write(plan)
        repaired = _ensure_accounts(plan)
        summary = _summarise(plan, created, repaired)
    summary.seconds = time.monotonic() - began
    return summary


def _write(plan: Plan) -> None:
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    missing = {spec.kind for spec in plan.units} - set(kinds)
    if missing:
        raise DemoError(
            _("Unit kinds missing from the catalogue: %(kinds)s.")
            % {"kinds": ", ".join(sorted(missing))}
        )

    units: dict[str, Unit] = {}
    created: list[Unit] = []
    for spec in plan.units:
        existing = Unit.objects.filter(code=spec.code).first()
        if existing is not None and spec.parent is None:
            units[spec.code] = existing  # the province may already be there
            continue
        founded, decision = dongha.CITY_FOUNDED if spec.code == dongha.CITY[0] else (None, "")
        units[spec.code] = services.unit_create(
            actor=None,
            parent=units[spec.parent] if spec.parent else None,
            kind=kinds[spec.kind],
            name=spec.name,
            code=spec.code,
            short_name=spec.short_name,
            valid_from=founded,
            decision=decision,
        )
        created.append(units[spec.code])
    # A unit whose founding date is not known was not founded on the day the demo was loaded:
    # its "created" record (dated today by the service) goes.
    UnitChange.objects.filter(
        kind=UnitChange.Kind.CREATE, to_units__in=[u for u in created if u.valid_from is None]
    ).delete()

    terms: dict[tuple[str, str], Term] = {}
    for term in plan.terms:
        terms[term.unit, term.code] = services.term_create(
            actor=None,
            unit=units[term.unit],
            code=term.code,
            start=term.start,
            end=term.end,
            name=term.name,
        )

    people = [
        Person(
            full_name=normalize(p.full_name),
            search_name=fold(p.full_name),
            gender=p.gender,
            birth_date=p.birth_date,
            birth_year=p.birth_year,
            ethnicity=p.ethnicity,
            hometown=p.hometown,
            party_card_number=p.party_card_number,
            joined_on=p.joined_on,
            official_on=p.official_on,
            status=p.status,
        )
        for p in plan.people
    ]
    taken = sorted(
        card
        for card in Person.objects.filter(
            party_card_number__in=[p.party_card_number for p in people]
        ).values_list("party_card_number", flat=True)
        if card
    )
    if taken:
        raise DemoError(
            _("Party card numbers already in use: %(cards)s.") % {"cards": ", ".join(taken[:5])}
        )
    Person.objects.bulk_create(people, batch_size=BATCH)
    if any(p.pk is None for p in people):  # a database that does not return new keys
        ids = dict(
            Person.objects.filter(
                party_card_number__in=[p.party_card_number for p in people]
            ).values_list("party_card_number", "pk")
        )
        for person in people:
            person.pk = ids[person.party_card_number]

    Membership.objects.bulk_create(
        [
            Membership(person_id=people[m.person].pk, unit=units[m.unit], start=m.start)
            for m in plan.memberships
        ],
        batch_size=BATCH,
    )
    Position.objects.bulk_create(
        [
            Position(
                person_id=people[p.person].pk,
                unit=units[p.unit],
                title=normalize(p.title),
                body=p.body,
                term=terms[p.unit, p.term] if p.term else None,
                start=p.start,
                end=p.end,
                role=p.role,
                sort_order=p.sort_order,
            )
            for p in plan.positions
        ],
        batch_size=BATCH,
    )
    audit_record(
        actor=None,
        action="demo.load",
        obj=units[dongha.CITY[0]],
        after={
            "units": len(units),
            "people": len(people),
            "positions": len(plan.positions),
            "terms": len(terms),
        },
    )


def _ensure_accounts(plan: Plan) -> list[str]:
    """Create or repair the demo accounts; returns the usernames that needed work."""
    User = get_user_model()
    repaired = []
    for account in plan.accounts:
        card = plan.people[account.person].party_card_number
        person = Person.objects.select_related("user").filter(party_card_number=card).first()
        if person is None:
            raise DemoError(
                _("The person of the demo account %(username)s is missing.")
                % {"username": account.username}
            )
        user = User.objects.filter(username=account.username).first()
        if user is not None:
            other = Person.objects.filter(user=user).exclude(pk=person.pk).first()
            if other is not None:
                raise DemoError(
                    _("The account %(username)s already belongs to %(person)s.")
                    % {"username": account.username, "person": other.full_name}
                )
            if (
                person.user_id == user.pk
                and user.email == account.email
                and user.check_password(PASSWORD)
            ):
                continue
            if user.email != account.email:
                user.email = account.email
                user.save(update_fields=["email"])
        # Links the account, sets the password and derives the grants from the positions
        # and the membership bulk-inserted above (services.grants_sync_for_person).
        services.person_link_user(
            actor=None,
            person=person,
            username=account.username,
            password=PASSWORD,
            email=account.email,
        )
        repaired.append(account.username)
    return repaired


def _summarise(plan: Plan, created: bool, repaired: list[str]) -> Summary:
    city = Unit.objects.get(code=dongha.CITY[0])
    subtree = {"unit__path__startswith": city.path}
    return Summary(
        created=created,
        units=Unit.objects.filter(path__startswith=city.path).count(),
        members=Membership.objects.current().filter(**subtree).count(),
        positions=Position.objects.filter(**subtree).count(),
        terms=Term.objects.filter(**subtree).count(),
        accounts=[(a.username, a.description) for a in plan.accounts],
        repaired=repaired,
    )
