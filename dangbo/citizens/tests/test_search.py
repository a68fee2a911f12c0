import pytest

from dangbo.citizens import services
from dangbo.core.search import search_for_user

from .conftest import make_case

pytestmark = pytest.mark.django_db


def test_cases_are_in_the_search_box_without_protected_identities(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_case = make_case(cast.ward1, name="Phan Văn Khiếu", content="Mương thoát nước khu phố 4 bị tắc")
        secret = make_case(cast.ward1, kind="to_cao", name="Người Tố Cáo Bí Mật", content="Cán bộ nhận tiền hộ nghèo")
    hits = search_for_user(cast.ward_secretary, "muong thoat nuoc").items
    assert [(h.kind, h.object_id) for h in hits] == [("case", open_case.pk)]
    assert [h.object_id for h in search_for_user(cast.ward_secretary, "phan van khieu").items] == [open_case.pk]
    assert search_for_user(cast.ward_secretary, "nhan tien ho ngheo").items[0].object_id == secret.pk
    assert not search_for_user(cast.ward_secretary, "nguoi to cao bi mat").items
    assert not search_for_user(cast.outsider, "muong thoat nuoc").items
    with django_capture_on_commit_callbacks(execute=True):
        services.case_acknowledge(actor=None, case=open_case, outcome="accepted")
        services.case_answer(actor=None, case=open_case, answer="Đã nạo vét xong tuyến mương")
    assert search_for_user(cast.ward_secretary, "nao vet").items[0].facets["state"] == "answered"
