import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.citizens import services
from dangbo.citizens.models import Case
from dangbo.core.models import AuditEntry

from .conftest import make_case

pytestmark = pytest.mark.django_db
SECRET = "Người Tố Cáo Bí Mật"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_list_shows_the_units_cases_and_not_the_siblings(cast, login, case):
    sibling = make_case(cast.ward_dl, name="Hồ Thị Lương")
    body = login(cast.ward_secretary).get(reverse("citizens:case_list")).content.decode()
    assert case.code_display in body and "Nguyễn Văn Dân" in body
    assert sibling.code_display not in body and "Hồ Thị Lương" not in body
    outsider = login(cast.outsider).get(reverse("citizens:case_list")).content.decode()
    assert sibling.code_display in outsider
    assert case.code_display not in outsider and "Nguyễn Văn Dân" not in outsider


def test_the_list_never_shows_a_denouncer(cast, login, denunciation):
    body = login(cast.ward_secretary).get(reverse("citizens:case_list")).content.decode()
    assert denunciation.code_display in body
    assert SECRET not in body and "được giữ bí mật" in body


def test_only_the_head_of_the_handling_unit_reads_a_denouncer_and_each_reading_is_audited(cast, login, denunciation):
    url = reverse("citizens:case_detail", args=[denunciation.pk])
    head = login(cast.ward_secretary).get(url)
    assert head.status_code == 200 and SECRET in head.content.decode()
    assert AuditEntry.objects.filter(action="case.identity_read", object_id=denunciation.pk).count() == 1
    # The city clerk sees the case (admin over the city) but is not the ward's head.
    clerk = login(cast.clerk).get(url).content.decode()
    assert SECRET not in clerk and "được giữ bí mật" in clerk
    assert AuditEntry.objects.filter(action="case.identity_read").count() == 1
    assert login(cast.outsider).get(url).status_code == 404


def test_receive_a_case_from_the_form(cast, login):
    client = login(cast.ward_secretary)
    response = client.post(reverse("citizens:case_create"), {
        "unit": cast.ward1.pk, "kind": "kien_nghi", "channel": "dialogue", "received_on": "2026-04-24",
        "content": "Đề nghị làm lại mương thoát nước.", "name": "Trần Thị Bé", "address": "Khu phố 2",
        "phone": "", "others": "Lê Văn Cường; Khu phố 2; 0905111222\n",
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert [p.name for p in case.petitioners.all()] == ["Trần Thị Bé", "Lê Văn Cường"]
    assert case.acknowledge_by == dt.date(2026, 5, 13)


def test_a_case_without_content_says_so_and_saves_nothing(cast, login):
    response = login(cast.ward_secretary).post(reverse("citizens:case_create"), {
        "unit": cast.ward1.pk, "kind": "kien_nghi", "channel": "letter", "received_on": "2026-04-24",
        "content": "", "name": "",
    })
    assert response.status_code == 400
    assert "Trường này là bắt buộc" in response.content.decode()
    assert not Case.objects.exists()


def test_the_outsider_cannot_receive_for_a_unit_it_does_not_see(cast, login):
    response = login(cast.outsider).post(reverse("citizens:case_create"), {
        "unit": cast.ward1.pk, "kind": "kien_nghi", "channel": "letter", "received_on": "2026-04-24",
        "content": "x", "name": "A",
    })
    assert response.status_code == 400 and not Case.objects.exists()


def test_acknowledge_answer_close_from_the_page(cast, login, case):
    client = login(cast.ward_secretary)
    response = client.post(reverse("citizens:case_answer", args=[case.pk]), {"answer": "Sớm"})
    assert response.status_code == 400 and "Cần xác nhận" in response.content.decode()
    client.post(reverse("citizens:case_acknowledge", args=[case.pk]), {"outcome": "accepted", "note": "", "on": ""})
    client.post(reverse("citizens:case_answer", args=[case.pk]), {"answer": "Đã thay bóng đèn.", "on": ""})
    client.post(reverse("citizens:case_close", args=[case.pk]))
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.answer == "Đã thay bóng đèn."
    assert login(cast.outsider).post(reverse("citizens:case_close", args=[case.pk])).status_code == 404


def test_make_a_task_from_the_page(cast, login, case):
    response = login(cast.ward_secretary).post(
        reverse("citizens:case_task", args=[case.pk]), {"title": "Sửa đèn", "deadline": "2026-12-31"}
    )
    assert response.status_code == 302 and "/nhiem-vu/" in response["Location"]
    page = login(cast.ward_secretary).get(case.get_absolute_url()).content.decode()
    assert "Sửa đèn" in page


def test_the_list_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.clerk)
    url = reverse("citizens:case_list")
    for _ in range(3):
        make_case(cast.ward1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(20):
        make_case(cast.cell1 if i % 2 else cast.ward_dl, kind="to_cao" if i % 3 else "khieu_nai")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- The public page ------------------------------------------------------------------------


def test_the_public_page_follows_a_case_by_code_without_personal_data(client, cast, denunciation):
    services.case_acknowledge(actor=None, case=denunciation, outcome="accepted")
    url = reverse("citizens:follow")
    response = client.get(url, {"code": denunciation.code_display.lower()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đã thông báo tiếp nhận" in body and "Thụ lý giải quyết" in body
    assert SECRET not in body and "nhận tiền" not in body and "0912345678" not in body


def test_a_wrong_code_says_so_in_vietnamese(client, cast, case):
    body = client.get(reverse("citizens:follow"), {"code": "ZZZZZ-ZZZZZ"}).content.decode()
    assert "Không có vụ việc nào mang mã này" in body
    body = client.get(reverse("citizens:follow"), {"code": case.code[:9]}).content.decode()
    assert "Không có vụ việc nào mang mã này" in body


def test_a_flood_of_lookups_is_throttled_and_never_500(client, cast, case, settings):
    settings.DANGBO_CASE_LOOKUPS_PER_IP = 3
    url = reverse("citizens:follow")
    statuses = [client.get(url, {"code": f"AAAAA{i:05d}"}).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    blocked = client.get(url, {"code": case.code})
    assert blocked.status_code == 429 and case.get_kind_display() not in blocked.content.decode()
    for weird in ("\x00", "' OR 1=1 --", "💥" * 500, "A" * 5000):
        assert client.get(url, {"code": weird}).status_code in (200, 429)


def test_the_acknowledgement_letter_in_docx(cast, login, denunciation):
    import io

    from docx import Document as Docx

    url = reverse("citizens:case_letter", args=[denunciation.pk])
    assert login(cast.ward_secretary).get(url).status_code == 302  # not acknowledged yet
    services.case_acknowledge(actor=None, case=denunciation, outcome="transferred", note="Ủy ban Kiểm tra Thành ủy")
    response = login(cast.ward_secretary).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    text = "\n".join(p.text for p in Docx(io.BytesIO(response.content)).paragraphs)
    assert SECRET in text and "Ủy ban Kiểm tra Thành ủy" in text and "THÔNG BÁO" in text
    assert AuditEntry.objects.filter(action="case.identity_read", object_id=denunciation.pk).count() == 1
    assert login(cast.clerk).get(url).status_code == 403  # may change it, may not read the denouncer
    assert login(cast.outsider).get(url).status_code == 404


def test_the_receipt_has_the_code_and_no_personal_data(cast, login, denunciation):
    body = login(cast.clerk).get(reverse("citizens:case_receipt", args=[denunciation.pk])).content.decode()
    assert denunciation.code_display in body and "/cong-dan/tra-cuu/" in body and SECRET not in body
    assert login(cast.outsider).get(reverse("citizens:case_receipt", args=[denunciation.pk])).status_code == 404


def test_a_possible_duplicate_is_shown_before_saving(cast, login, denunciation):
    make_case(cast.ward1, name="Nguyễn Văn Dân", content="Đèn đường khu phố 1 hỏng đã ba tháng, chưa sửa.")
    form = {
        "unit": cast.ward1.pk, "kind": "phan_anh", "channel": "letter", "received_on": "2026-05-20",
        "content": "Đèn đường khu phố 1 vẫn hỏng, đã ba tháng", "name": "nguyen van dan", "address": "", "phone": "",
    }
    client = login(cast.ward_secretary)
    response = client.post(reverse("citizens:case_create"), form)
    assert response.status_code == 200 and "Có thể trùng" in response.content.decode()
    assert Case.objects.count() == 2
    response = client.post(reverse("citizens:case_create"), form | {"not_duplicate": "on"})
    assert response.status_code == 302 and Case.objects.count() == 3
    # A denunciation's denouncer is not revealed by the duplicate check to someone who may not read it.
    clerk = login(cast.clerk).post(reverse("citizens:case_create"), form | {
        "kind": "to_cao", "name": "Người Tố Cáo Bí Mật", "content": "Tố cáo cán bộ phường nhận tiền",
    })
    assert clerk.status_code == 302 and SECRET not in clerk.content.decode()
    assert denunciation.pk


def test_the_head_names_staff_who_may_read_the_denouncer(cast, login, denunciation):
    from dangbo.conftest import START, make_person
    from dangbo.orgs import services as orgs
    from dangbo.orgs.models import Person, Role

    staff = make_person("Đỗ Văn Cán", "staff")
    orgs.position_create(actor=None, person=staff, unit=cast.ward1, title="Chuyên viên", start=START, role=Role.VIEW)
    url = reverse("citizens:case_detail", args=[denunciation.pk])
    assert SECRET not in login(staff.user).get(url).content.decode()
    share = reverse("citizens:case_identity_share", args=[denunciation.pk])
    # The city clerk may change the case but is not the ward's head: refused.
    assert login(cast.clerk).post(share, {"person": staff.pk}).status_code == 403
    outsider = Person.objects.get(user=cast.outsider)
    refused = login(cast.ward_secretary).post(share, {"person": outsider.pk})
    assert refused.status_code == 400
    response = login(cast.ward_secretary).post(share, {"person": staff.pk})
    assert response.status_code == 302
    assert SECRET in login(staff.user).get(url).content.decode()
    assert AuditEntry.objects.filter(action="case.identity_read", actor=staff.user).count() == 1


def test_the_ward_list_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    """The case list of a ward, as its secretary: the same queries with 3 cases or 23."""
    client = login(cast.ward_secretary)
    url = reverse("citizens:case_list")
    for _ in range(3):
        make_case(cast.ward1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(20):
        make_case(cast.cell1 if i % 2 else cast.ward1, kind="to_cao" if i % 3 else "khieu_nai",
                  petitioners=[{"name": f"Người {i}"}, {"name": f"Người khác {i}"}])
        make_case(cast.ward_dl)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 23


def test_a_public_lookup_is_one_query(client, cast, case, django_assert_num_queries):
    """The page and the API answer a code with one indexed query (the throttle is in the cache)."""
    with django_assert_num_queries(1):
        assert client.get(reverse("citizens:follow"), {"code": case.code}).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/public/cases/{case.code}").status_code == 200
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/public/cases/{'Z' * 10}").status_code == 404
