import datetime as dt

import pytest

from dangbo.orgs import services as orgs
from dangbo.people.cadres import services


@pytest.fixture
def cadre(cast):
    """A ward cadre of Phường 1: 45 at the start of 2025, a deputy secretary since 2019."""
    person = orgs.person_create(actor=None, full_name="Lê Thị Thu", gender="f", birth_date=dt.date(1979, 6, 1))
    orgs.position_create(actor=None, person=person, unit=cast.ward1, title="Phó Bí thư Đảng ủy", start=dt.date(2019, 1, 1))
    return person


@pytest.fixture
def profile(cast, cadre):
    return services.profile_create(actor=None, person=cadre, unit=cast.ward1, education=3, theory=2)


@pytest.fixture
def plan(cast):
    return services.plan_create(actor=None, unit=cast.ward1, term_code="2025-2030", start_year=2025, end_year=2030)


@pytest.fixture
def old_man(cast):
    """A man of 59 at the start of 2025: over the planning age."""
    person = orgs.person_create(actor=None, full_name="Võ Văn Cao", gender="m", birth_date=dt.date(1965, 3, 1))
    orgs.position_create(actor=None, person=person, unit=cast.ward1, title="Ủy viên BTV", start=dt.date(2015, 1, 1))
    return person
