import datetime as dt

import pytest

from dangbo.citizens import services
from dangbo.citizens.models import Case

RECEIVED = dt.date(2026, 4, 24)


def make_case(unit, kind=Case.Kind.PHAN_ANH, received_on=RECEIVED, name="Nguyễn Văn Dân", **extra):
    fields = {
        "channel": Case.Channel.RECEPTION,
        "content": "Đèn đường khu phố 1 hỏng đã ba tháng.",
        "petitioners": [{"name": name, "address": "12 Lê Lợi", "phone": "0912345678"}],
    } | extra
    return services.case_create(actor=None, unit=unit, kind=kind, received_on=received_on, **fields)


@pytest.fixture
def case(cast):
    return make_case(cast.ward1)


@pytest.fixture
def denunciation(cast):
    return make_case(cast.ward1, kind=Case.Kind.TO_CAO, name="Người Tố Cáo Bí Mật",
                     content="Tố cáo cán bộ phường nhận tiền.")
