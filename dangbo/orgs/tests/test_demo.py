"""``manage.py load_demo``: the Đông Hà demo, loaded once for the whole module.

The module-scoped fixture loads the demo inside a transaction that is rolled back when the
module ends, so the other test modules never see it; each test runs in a savepoint inside
it, as usual.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import translation

from dangbo.core import policy
from dangbo.core.models import AuditEntry
from dangbo.core.policy import Action
from dangbo.orgs.demo.loader import PASSWORD
from dangbo.orgs.demo.plan import build_plan
from dangbo.orgs.models import Grant, Membership, Person, Position, Role, Term, Unit, UnitChange

pytestmark = pytest.mark.django_db

WARDS = [
    "Đảng bộ Phường 1",
    "Đảng bộ Phường 2",
    "Đảng bộ Phường 3",
    "Đảng bộ Phường 4",
    "Đảng bộ Phường 5",
    "Đảng bộ phường Đông Giang",
    "Đảng bộ phường Đông Thanh",
    "Đảng bộ phường Đông Lễ",
    "Đảng bộ phường Đông Lương",
]
ACCOUNTS = ["vanphong", "bithu.phuong1", "bithu.dongluong", "bithu.chibo", "dangvien"]
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output):
    return demo_output


def user(username):
    return get_user_model().objects.get(username=username)


def unit(code) -> Unit:
    return Unit.objects.get(code=code)


def visible_codes(account) -> set[str]:
    return set(policy.visible(account, Unit).values_list("code", flat=True))


def subtree_codes(code) -> set[str]:
    return set(Unit.objects.subtree_of(unit(code)).values_list("code", flat=True))


def counts() -> dict[str, int]:
    models = [Unit, Term, Person, Membership, Position, Grant, UnitChange, AuditEntry]
    result = {model.__name__: model.objects.count() for model in models}
    result["User"] = get_user_model().objects.count()
    return result


def test_the_tree(demo):
    province = unit("quangtri")
    city = unit("dongha")
    assert province.is_root() and province.kind.code == "dang-bo-tinh"
    assert Unit.objects.get_parent(city) == province and city.kind.code == "dang-bo-huyen"
    children = list(Unit.objects.get_children(city))
    boards = [u.name for u in children if u.kind.code == "ban-tham-muu"]
    assert boards == [
        "Văn phòng Thành ủy",
        "Ban Tổ chức Thành ủy",
        "Ủy ban Kiểm tra Thành ủy",
        "Ban Tuyên giáo Thành ủy",
        "Ban Dân vận Thành ủy",
    ]
    wards = [u for u in children if u.kind.code == "dang-bo-xa"]
    assert [w.name for w in wards] == WARDS
    assert {w.code for w in wards} >= {"dongha-phuong1", "dongha-donggiang", "dongha-dongluong"}
    assert "Đảng bộ Quân sự thành phố" in [u.name for u in children]


def test_cells_per_ward_and_members_per_cell(demo):
    for ward in Unit.objects.filter(kind__code="dang-bo-xa", path__startswith=unit("dongha").path):
        cells = list(Unit.objects.get_children(ward))
        assert 6 <= len(cells) <= 12, ward.name
        assert {c.kind.code for c in cells} == {"chi-bo"}
    kp1 = Unit.objects.get_children(unit("dongha-phuong1")).first()
    assert kp1.name == "Chi bộ Khu phố 1"
    names = set(Unit.objects.filter(kind__code="chi-bo").values_list("name", flat=True))
    assert {"Chi bộ Trạm Y tế phường", "Chi bộ Công an phường", "Chi bộ Quân sự phường"} <= names
    assert any(n.startswith("Chi bộ Trường Tiểu học ") for n in names)
    assert any(n.startswith("Chi bộ Công ty TNHH ") for n in names)
    for cell in Unit.objects.filter(kind__code="chi-bo"):
        assert 15 <= Membership.objects.current().filter(unit=cell).count() <= 70, cell.name


def test_the_console_groups_thousands(demo):
    import re

    assert re.search(r"\b\d[.,]\d{3} (party members|đảng viên)", demo), demo[-600:]


def test_members(demo):
    # Members today: the people demo also records transfers and leavings, with their past memberships.
    members = Person.objects.filter(
        memberships__unit__path__startswith=unit("dongha").path, memberships__end=None
    )
    total = members.count()
    assert 3500 <= total <= 4500
    assert members.distinct().count() == total  # one current membership each
    women = members.filter(gender=Person.Gender.FEMALE).count()
    assert 0.3 < women / total < 0.5
    probation = members.filter(status=Person.Status.PROBATION).count()
    assert 0 < probation < total * 0.1
    cards = [c for c in members.values_list("party_card_number", flat=True) if c]
    assert len(set(cards)) == len(cards)
    # The orgs demo's cards are 8 digits; only the people demo's newcomers (admitted lately, or
    # transferred in with another province's card) differ or have none yet.
    assert sum(1 for c in cards if len(c) == 8 and c.isdigit()) > total * 0.95
    years = members.exclude(birth_year=None).values_list("birth_year", flat=True)
    assert 1940 <= min(years) and max(years) <= 2008  # admitted at 18 at the youngest
    # Bulk-inserted rows still get what Person.save would compute.
    person = members.get(full_name="Hồ Sỹ Trung")
    assert person.search_name == "ho sy trung"
    other = members.exclude(birth_date=None).first()
    assert other.birth_year == other.birth_date.year


def test_terms_and_old_positions_end_with_their_term(demo):
    for code in ["dongha", *[f"dongha-{w}" for w in ("phuong1", "phuong5", "dongle")]]:
        old, new = list(Term.objects.filter(unit__code=code).order_by("start"))[:2]
        assert (old.code, new.code) == ("2015-2020", "2020-2025")
        assert old.name == "Nhiệm kỳ 2015–2020"
        assert old.start.year == 2015 and old.end.year == 2020
        assert old.end < new.start
        assert not old.positions.exclude(end=old.end).exists()
        assert old.positions.exists() and new.positions.exists()


def test_the_city_has_its_2025_2030_term_and_committee(demo):
    """Issue 11 item 16: the congress of 2025 opened the 2025–2030 term, which is current."""
    terms = list(Term.objects.filter(unit__code="dongha").order_by("start"))
    assert [t.code for t in terms] == ["2015-2020", "2020-2025", "2025-2030"]
    previous, current = terms[1], terms[2]
    assert current.name == "Nhiệm kỳ 2025–2030" and current.start.year == 2025 and current.end is None
    assert previous.end == current.start - dt.timedelta(days=1)
    assert not previous.positions.exclude(end=previous.end).exists()
    holders = Position.objects.current().filter(unit__code="dongha", term=current)
    assert holders.filter(title="Bí thư Thành ủy").count() == 1
    assert holders.filter(body=Position.Body.BCH).count() >= 15
    # Hồ Sỹ Trung held his posts in 2015–2020 only (the seed article).
    assert not Position.objects.filter(person__full_name="Hồ Sỹ Trung", term__code__in=["2020-2025", "2025-2030"]).exists()


def test_units_are_not_founded_on_the_day_the_demo_was_loaded(demo):
    """Issue 11 item 16: a founding date is real (with its decision) or left empty."""
    city = unit("dongha")
    assert city.valid_from == dt.date(2009, 8, 11)  # Nghị quyết 33/NQ-CP: thành lập thành phố Đông Hà
    founded = UnitChange.objects.filter(kind=UnitChange.Kind.CREATE, to_units__path__startswith=city.path)
    assert list(founded.values_list("date", "decision")) == [(dt.date(2009, 8, 11), "33/NQ-CP")]
    assert not Unit.objects.filter(path__startswith=city.path).exclude(pk=city.pk).exclude(valid_from=None).exists()


def test_ho_sy_trung_holds_two_positions_in_2015_2020(demo):
    positions = Position.objects.filter(
        person__full_name="Hồ Sỹ Trung", unit__code="dongha", term__code="2015-2020"
    )
    assert {(p.title, p.body) for p in positions} == {
        ("Phó Bí thư Thường trực Thành ủy", Position.Body.TT),
        ("Chủ tịch HĐND thành phố", Position.Body.GOV),
    }
    # Both on the day the seed article was published.
    assert positions.current(dt.date(2020, 7, 2)).count() == 2


def test_city_leadership(demo):
    city = unit("dongha")
    for term in Term.objects.filter(unit=city):
        titles = list(term.positions.values_list("title", flat=True))
        assert titles.count("Bí thư Thành ủy") == 1
        assert titles.count("Phó Bí thư Thường trực Thành ủy") == 1
        assert titles.count("Phó Bí thư Thành ủy, Chủ tịch UBND thành phố") == 1
        assert term.positions.filter(body=Position.Body.BTV).count() >= 9
        assert term.positions.get(title="Bí thư Thành ủy").role == Role.MANAGE
        assert set(
            term.positions.filter(body=Position.Body.BCH).values_list("role", flat=True)
        ) == {Role.VIEW}


def test_every_cell_and_ward_has_a_current_secretary(demo):
    for cell in Unit.objects.filter(kind__code="chi-bo"):
        secretary = Position.objects.current().get(unit=cell, title="Bí thư Chi bộ")
        assert secretary.role == Role.MANAGE
        assert secretary.person.memberships.filter(unit=cell).exists()
    for ward in Unit.objects.filter(kind__code="dang-bo-xa"):
        assert (
            Position.objects.current().filter(unit=ward, title="Bí thư Đảng ủy phường").count() == 1
        )
        assert Position.objects.filter(unit=ward, title="Bí thư Đảng ủy phường").count() == 2


def test_demo_accounts_log_in(demo):
    request = RequestFactory().post("/accounts/login/")
    for username in ACCOUNTS:
        account = authenticate(request, username=username, password=PASSWORD)
        assert account is not None and account.username == username
        assert account.email == f"{username}@dongha.example"
        assert account.person is not None
    assert authenticate(request, username="vanphong", password="wrong-password") is None


def test_what_each_account_sees(demo):
    kp1 = unit("dongha-phuong1-kp1")
    vanphong = user("vanphong")
    assert visible_codes(vanphong) == subtree_codes("dongha")
    assert policy.may(vanphong, Action.REORGANISE, kp1)
    assert not policy.may(vanphong, Action.VIEW, unit("quangtri"))

    ward_secretary = user("bithu.phuong1")
    assert visible_codes(ward_secretary) == subtree_codes("dongha-phuong1")
    assert policy.may(ward_secretary, Action.CHANGE, kp1)

    outsider = user("bithu.dongluong")
    assert visible_codes(outsider) == subtree_codes("dongha-dongluong")
    assert not policy.may(outsider, Action.VIEW, kp1)

    cell_secretary = user("bithu.chibo")
    assert visible_codes(cell_secretary) == {"dongha-phuong1-kp1"}
    assert policy.may(cell_secretary, Action.CHANGE, kp1)

    member = user("dangvien")
    assert visible_codes(member) == {"dongha-phuong1-kp1"}
    assert policy.may(member, Action.VIEW, kp1) and not policy.may(member, Action.CONTRIBUTE, kp1)
    assert not member.person.positions.exists()


def test_clerk_position_is_on_the_city(demo):
    position = user("vanphong").person.positions.get()
    assert position.unit.code == "dongha" and position.role == Role.ADMIN
    assert position.end is None


def test_running_twice_changes_nothing(demo):
    before = counts()
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    assert counts() == before
    assert "already loaded" in out.getvalue()


def test_running_again_repairs_the_accounts(demo):
    member = user("bithu.chibo")
    member.set_password("something-else-entirely")
    member.save()
    user("dangvien").delete()
    call_command("load_demo", stdout=StringIO())
    request = RequestFactory().post("/accounts/login/")
    for username in ("bithu.chibo", "dangvien"):
        assert authenticate(request, username=username, password=PASSWORD) is not None
    assert visible_codes(user("dangvien")) == {"dongha-phuong1-kp1"}
    assert Person.objects.filter(full_name=user("dangvien").person.full_name).exists()


def test_same_seed_same_people(demo):
    first = [p.full_name for p in build_plan().people[:20]]
    assert first == [p.full_name for p in build_plan().people[:20]]
    assert first != [p.full_name for p in build_plan(seed=2020).people[:20]]
    loaded = Person.objects.filter(memberships__unit__path__startswith=unit("dongha").path)
    assert list(loaded.order_by("pk").values_list("full_name", flat=True)[:20]) == first
