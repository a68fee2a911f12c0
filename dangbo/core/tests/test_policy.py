"""The one permission door: the registry, the 404/403 ladder, the tree verbs, field rules,
request.person, and the orgs rules enforced in the services whatever calls them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from dangbo.conftest import make_person
from dangbo.core import policy
from dangbo.core.models import AuditEntry
from dangbo.core.policy import Action, Level
from dangbo.orgs import services
from dangbo.orgs.models import Grant, Person, Position, Role, Unit

pytestmark = pytest.mark.django_db


def test_roles_are_the_policy_levels():
    assert [r.value for r in Role] == [level.value for level in Level]


def test_every_model_with_views_has_a_policy():
    """A kind of object that views fetch by id must be registered (a LookupError otherwise)."""
    for model in (Unit, Person, Position, Grant):
        assert isinstance(policy.policy_for(model), policy.Policy)
    with pytest.raises(LookupError):
        policy.policy_for(AuditEntry)


def test_a_model_takes_one_policy():
    class Other(policy.TreePolicy):
        pass

    with pytest.raises(ValueError, match="already registered"):
        policy.register(Unit)(Other)


def test_ladder_missing_and_invisible_answer_the_same(cast):
    missing = Unit.objects.order_by("-pk").first().pk + 100
    for pk in (missing, cast.cell_dl.pk, "x", None):
        with pytest.raises(Http404):
            policy.get_for_user(cast.ward_secretary, Unit, pk)


def test_ladder_visible_but_not_allowed_is_403(cast):
    assert policy.get_for_user(cast.member, Unit, cast.cell1.pk) == cast.cell1
    with pytest.raises(PermissionDenied):
        policy.get_for_user(cast.member, Unit, cast.cell1.pk, Action.CHANGE)
    assert policy.get_for_user(cast.cell_secretary, Unit, cast.cell1.pk, Action.CHANGE) == cast.cell1


def test_visible_filters_inside_the_query(cast, django_assert_num_queries):
    policy.grants(cast.ward_secretary)  # the per-request grant read, done once
    with django_assert_num_queries(1):
        names = set(policy.visible(cast.ward_secretary, Unit).values_list("name", flat=True))
    assert names == {cast.ward1.name, cast.cell1.name}
    assert set(policy.visible(cast.outsider, Unit, Action.CHANGE)) == {cast.ward_dl, cast.cell_dl}
    assert not policy.visible(cast.member, Unit, Action.CHANGE).exists()


def test_units_above_my_grants(cast):
    above = policy.above_paths(cast.cell_secretary)
    assert above == [cast.city.path, cast.ward1.path, cast.cell1.path]
    assert cast.ward_dl.path not in policy.above_paths(cast.ward_secretary)


def test_anonymous_and_inactive_may_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not policy.may(AnonymousUser(), Action.VIEW, cast.city)
    cast.clerk.is_active = False
    assert not policy.may(cast.clerk, Action.VIEW, cast.city)
    assert not policy.visible(AnonymousUser(), Unit).exists()


def test_forget_drops_the_cached_grants(cast):
    assert not policy.may(cast.member, Action.CHANGE, cast.cell1)
    Grant.objects.create(user=cast.member, unit=cast.cell1, role=Role.MANAGE, start=dt.date(2020, 1, 1))
    assert not policy.may(cast.member, Action.CHANGE, cast.cell1)  # cached for the request
    policy.forget(cast.member)
    assert policy.may(cast.member, Action.CHANGE, cast.cell1)


# --- Field rules --------------------------------------------------------------------------


def _with_personal_data(person: Person) -> Person:
    Person.objects.filter(pk=person.pk).update(
        birth_date=dt.date(1980, 5, 17), party_card_number="93.012345", hometown="Triệu Phong"
    )
    return Person.objects.get(pk=person.pk)


def test_personal_data_is_read_by_the_cell_managers_and_the_person(cast):
    member = _with_personal_data(cast.member.person)
    assert policy.hidden_fields(cast.cell_secretary, member) == frozenset()
    # The ward secretary manages the cell but is neither its secretary nor the organisation board.
    assert policy.hidden_fields(cast.ward_secretary, member) == {"birth_date", "citizen_id", "phone", "address"}
    assert policy.hidden_fields(cast.clerk, member) == frozenset()
    assert policy.hidden_fields(cast.member, member) == frozenset()
    other = make_person("Võ Thị Lan", "lan")
    services.membership_create(actor=None, person=other, unit=cast.cell1, start=dt.date(2021, 1, 1))
    assert policy.hidden_fields(other.user, member) == {
        "birth_date", "hometown", "party_card_number", "citizen_id", "phone", "address"
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [("cell_secretary", True), ("member", True), ("other_member", False), ("outsider", None)],
)
def test_person_page_shows_personal_data_by_the_rule(cast, client, who, sees):
    member = _with_personal_data(cast.member.person)
    if who == "other_member":
        other = make_person("Võ Thị Lan", "lan")
        services.membership_create(actor=None, person=other, unit=cast.cell1, start=dt.date(2021, 1, 1))
        user = other.user
    else:
        user = getattr(cast, who)
    client.force_login(user)
    response = client.get(reverse("orgs:person_detail", args=[member.pk]))
    if sees is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert ("93.012345" in text) is sees
    assert ("17/05/1980" in text) is sees
    assert ("Triệu Phong" in text) is sees
    assert member.full_name in text


# --- request.person -----------------------------------------------------------------------


def test_request_person_is_set_once(cast, client, django_assert_max_num_queries):
    client.force_login(cast.ward_secretary)
    response = client.get(reverse("orgs:person_list"))
    assert response.wsgi_request.person == cast.ward_secretary.person
    assert "Trần Văn Phú" in response.content.decode()  # the top bar reads request.person


def test_request_person_of_an_account_linked_to_nobody(db, client, django_user_model):
    user = django_user_model.objects.create_user("lonely", password="x-pass-123456")
    client.force_login(user)
    response = client.get(reverse("orgs:person_list"))
    assert response.wsgi_request.person is None
    assert "lonely" in response.content.decode()


# --- Rules enforced in the orgs services --------------------------------------------------


def test_nobody_grants_more_than_they_hold(cast):
    person = make_person("Đặng Văn Tâm")
    with pytest.raises(ValidationError) as error:
        services.position_create(
            actor=cast.ward_secretary, person=person, unit=cast.cell1, title="Bí thư",
            start=dt.date(2024, 1, 1), role=Role.ADMIN,
        )
    assert "role" in error.value.message_dict
    assert not Position.objects.filter(person=person).exists()
    with pytest.raises(PermissionDenied):
        services.grant_create(
            actor=cast.ward_secretary, user=cast.member, unit=cast.cell1, role=Role.ADMIN,
            start=dt.date(2024, 1, 1),
        )
    position = services.position_create(
        actor=cast.ward_secretary, person=person, unit=cast.cell1, title="Phó Bí thư",
        start=dt.date(2024, 1, 1), role=Role.MANAGE,
    )
    assert position.role == Role.MANAGE


def test_services_refuse_the_sibling_ward_and_the_read_only(cast):
    with pytest.raises(Http404):
        services.unit_update(actor=cast.outsider, unit=cast.cell1, name="Chi bộ đổi tên")
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=cast.member, unit=cast.cell1, name="Chi bộ đổi tên")
    with pytest.raises(Http404):
        services.term_create(actor=cast.outsider, unit=cast.ward1, code="2025-2030", start=dt.date(2025, 10, 1))
    cast.cell1.refresh_from_db()
    assert cast.cell1.name == "Chi bộ Khu phố 1"


def test_a_position_for_a_person_of_another_ward_answers_like_a_missing_one(cast):
    """Ids cannot be probed: someone the actor may not see is refused with 404."""
    stranger = make_person("Ngô Văn Khánh")
    services.membership_create(actor=None, person=stranger, unit=cast.cell_dl, start=dt.date(2021, 1, 1))
    with pytest.raises(Http404):
        services.position_create(
            actor=cast.ward_secretary, person=stranger, unit=cast.cell1, title="Ủy viên",
            start=dt.date(2024, 1, 1),
        )
    newcomer = make_person("Người Mới")  # belongs nowhere yet: may be placed
    services.position_create(
        actor=cast.ward_secretary, person=newcomer, unit=cast.cell1, title="Ủy viên", start=dt.date(2024, 1, 1)
    )
