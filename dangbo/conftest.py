"""The shared test cast, the same in every app's tests.

Tree::

    Đảng bộ thành phố Đông Hà (city)
    ├── Văn phòng Thành ủy (office)
    ├── Đảng bộ Phường 1 (ward1)
    │   └── Chi bộ Khu phố 1 (cell1)       ← member: dangvien
    └── Đảng bộ phường Đông Lương (ward_dl)
        └── Chi bộ Khu phố 3 Đông Lương (cell_dl)

Users (``cast.<name>``): ``clerk`` (city office clerk, manages the whole city, ``admin``
role), ``ward_secretary`` (Phường 1), ``outsider`` (secretary of Đông Lương, the sibling),
``cell_secretary`` (cell in Phường 1), ``member`` (plain member of that cell).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from dangbo.orgs import services
from dangbo.orgs.models import Person, Role, Unit, UnitKind

PASSWORD = "dangbo-test-pass"
START = dt.date(2020, 10, 1)


@dataclass
class Cast:
    city: Unit
    office: Unit
    ward1: Unit
    cell1: Unit
    ward_dl: Unit
    cell_dl: Unit
    clerk: object
    ward_secretary: object
    outsider: object
    cell_secretary: object
    member: object

    @property
    def everyone(self) -> dict[str, object]:
        return {
            "clerk": self.clerk,
            "ward_secretary": self.ward_secretary,
            "outsider": self.outsider,
            "cell_secretary": self.cell_secretary,
            "member": self.member,
        }


def make_person(name: str, username: str | None = None, gender: str = "m") -> Person:
    person = services.person_create(actor=None, full_name=name, gender=gender, birth_year=1980)
    if username:
        services.person_link_user(actor=None, person=person, username=username, password=PASSWORD)
    return person


def build_cast() -> Cast:
    kind = {k.code: k for k in UnitKind.objects.all()}
    city = services.unit_create(
        actor=None, parent=None, kind=kind["dang-bo-huyen"], name="Đảng bộ thành phố Đông Hà", code="t-dongha"
    )
    office = services.unit_create(
        actor=None, parent=city, kind=kind["ban-tham-muu"], name="Văn phòng Thành ủy", code="t-vanphong"
    )
    ward1 = services.unit_create(
        actor=None, parent=city, kind=kind["dang-bo-xa"], name="Đảng bộ Phường 1", code="t-phuong1"
    )
    ward_dl = services.unit_create(
        actor=None, parent=city, kind=kind["dang-bo-xa"], name="Đảng bộ phường Đông Lương", code="t-dongluong"
    )
    cell1 = services.unit_create(
        actor=None, parent=ward1, kind=kind["chi-bo"], name="Chi bộ Khu phố 1", code="t-p1-kp1"
    )
    cell_dl = services.unit_create(
        actor=None, parent=ward_dl, kind=kind["chi-bo"], name="Chi bộ Khu phố 3 Đông Lương", code="t-dl-kp3"
    )

    def holder(name, username, unit, title, role, gender="m"):
        person = make_person(name, username, gender)
        services.position_create(actor=None, person=person, unit=unit, title=title, start=START, role=role)
        return person.user

    clerk = holder("Nguyễn Thị Vân", "clerk", city, "Chuyên viên Văn phòng Thành ủy", Role.ADMIN, "f")
    ward_secretary = holder("Trần Văn Phú", "ward_secretary", ward1, "Bí thư Đảng ủy", Role.MANAGE)
    outsider = holder("Lê Đình Lương", "outsider", ward_dl, "Bí thư Đảng ủy", Role.MANAGE)
    cell_secretary = holder("Phạm Thị Hoa", "cell_secretary", cell1, "Bí thư Chi bộ", Role.MANAGE, "f")
    member_person = make_person("Hoàng Văn Minh", "member")
    services.membership_create(actor=None, person=member_person, unit=cell1, start=START)
    return Cast(
        city=city, office=office, ward1=ward1, cell1=cell1, ward_dl=ward_dl, cell_dl=cell_dl,
        clerk=clerk, ward_secretary=ward_secretary, outsider=outsider,
        cell_secretary=cell_secretary, member=member_person.user,
    )


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def demo_tree(django_db_blocker) -> Iterator[None]:
    """The Đông Hà demo tree (``load_demo()``, without the apps' demos) for a module's tests, in
    one transaction rolled back after them: a module-scoped fixture ``with demo_tree(...):``
    loads its own app's demo on top and yields what its tests read."""
    from django.db import transaction
    from django.test import override_settings

    from dangbo.orgs.demo.loader import load_demo

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing passwords the real way costs seconds per test; tests need no such strength."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def login(client):
    """``login(user)`` logs the Django test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user, backend="dangbo.orgs.auth.AccountBackend")
        return client

    return _login


@pytest.fixture
def keep_db_connection():
    """Keep the test's database connection open across requests made straight to the WSGI app.

    Django closes "old" connections when a request starts and finishes; inside a test
    transaction on PostgreSQL that would close the transaction the test runs in.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def add_cells(ward: Unit, n: int, start: int = 0) -> None:
    """``n`` new cells under ``ward`` ("Chi bộ Mới <i>"): for the tests that a page neither
    lists units nor runs more queries as they grow."""
    kind = UnitKind.objects.get(code="chi-bo")
    for i in range(start, start + n):
        services.unit_create(actor=None, parent=ward, kind=kind, name=f"Chi bộ Mới {i}", code=f"moi-{ward.pk}-{i}")


def field_errors(response, field: str) -> list[str]:
    """The error codes of ``field`` in the page's form."""
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def page_not_growing(client, url: str, ward: Unit) -> str:
    """The page at ``url`` after 30 more cells under ``ward``, having asserted it runs as many
    queries as with 3: what a page that lists no units owes a province."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_cells(ward, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_cells(ward, 30, start=3)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    return body
