import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


@pytest.fixture
def api(login):
    def _api(user):
        client = login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
        return client

    return _api


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


BODY = {
    "kind": "kien_nghi", "channel": "online", "content": "Đề nghị sửa đường.", "received_on": "2026-04-24",
    "petitioners": [{"name": "Trần Văn A", "address": "KP1", "phone": "0900000000"}, {"name": "Lê Thị B"}],
}


def test_create_answers_201_with_the_keys_of_the_issue(cast, api):
    response = _post(api(cast.ward_secretary), "/api/v1/cases", BODY | {"unit_id": cast.ward1.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "code", "state", "acknowledge_by", "answer_by"}
    assert body["state"] == "received" and body["acknowledge_by"] == "2026-05-13"
    assert Case.objects.get(pk=body["id"]).petitioners.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"content": ""}, "content"),
        ({"petitioners": []}, "petitioners"),
        ({"kind": "khac"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"received_on": "24/04/2026"}, "received_on"),
    ],
)
def test_bad_input_is_a_400_in_the_one_shape_and_saves_nothing(cast, api, change, field):
    response = _post(api(cast.ward_secretary), "/api/v1/cases", BODY | {"unit_id": cast.ward1.pk} | change)
    assert response.status_code in (400, 422)
    body = response.json()
    assert set(body) == {"error", "fields"} and field in body["fields"]
    assert not Case.objects.exists()


def test_the_outsider_cannot_create_nor_read(cast, api):
    assert _post(api(cast.outsider), "/api/v1/cases", BODY | {"unit_id": cast.ward1.pk}).status_code == 404
    case = make_case(cast.ward1)
    assert api(cast.outsider).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert api(cast.outsider).get("/api/v1/cases").json()["count"] == 0
    assert Client().get("/api/v1/cases").status_code == 401


def test_list_filters(cast, api):
    late = make_case(cast.ward1)
    cell = make_case(cast.cell1, kind="khieu_nai")
    make_case(cast.ward_dl)
    client = api(cast.clerk)
    assert {c["id"] for c in client.get("/api/v1/cases", {"unit": cast.ward1.pk}).json()["items"]} == {late.pk, cell.pk}
    assert [c["id"] for c in client.get("/api/v1/cases", {"kind": "khieu_nai"}).json()["items"]] == [cell.pk]
    assert client.get("/api/v1/cases", {"overdue": "true"}).json()["count"] == 3
    assert client.get("/api/v1/cases", {"state": "closed"}).json()["count"] == 0
    assert client.get("/api/v1/cases", {"received_from": "2026-05-01"}).json()["count"] == 0
    assert client.get("/api/v1/cases", {"limit": 1}).json()["count"] == 3


def test_acknowledge_then_answer(cast, api):
    case = make_case(cast.ward1)
    client = api(cast.ward_secretary)
    early = _post(client, f"/api/v1/cases/{case.pk}/answer", {"answer": "Xong"})
    assert early.status_code == 400 and "xác nhận tiếp nhận" in early.json()["error"]
    ack = _post(client, f"/api/v1/cases/{case.pk}/acknowledge", {"outcome": "accepted"})
    assert ack.status_code == 200 and ack.json()["state"] == "acknowledged"
    again = _post(client, f"/api/v1/cases/{case.pk}/acknowledge", {"outcome": "accepted"})
    assert again.status_code == 400
    answer = _post(client, f"/api/v1/cases/{case.pk}/answer", {"answer": "Đã sửa xong."})
    assert answer.status_code == 200 and answer.json()["answer"] == "Đã sửa xong."
    assert _post(api(cast.member), f"/api/v1/cases/{case.pk}/answer", {"answer": "x"}).status_code == 404


def test_a_denouncer_is_null_except_to_the_head_and_each_reading_is_audited(cast, api):
    case = make_case(cast.ward1, kind="to_cao", name=SECRET)
    listed = api(cast.ward_secretary).get("/api/v1/cases").json()["items"][0]
    assert listed["petitioners"] is None
    clerk = api(cast.clerk).get(f"/api/v1/cases/{case.pk}").json()
    assert clerk["petitioners"] is None and SECRET not in str(clerk)
    assert not AuditEntry.objects.filter(action="case.identity_read").exists()
    head = api(cast.ward_secretary).get(f"/api/v1/cases/{case.pk}").json()
    assert head["petitioners"][0]["name"] == SECRET
    assert AuditEntry.objects.filter(action="case.identity_read", object_id=case.pk, actor=cast.ward_secretary).count() == 1


def test_the_list_runs_a_fixed_number_of_queries(cast, api, django_assert_num_queries):
    client = api(cast.clerk)
    for _ in range(2):
        make_case(cast.ward1)
    client.get("/api/v1/cases")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/cases")
    for i in range(15):
        make_case(cast.cell1, kind="to_cao" if i % 2 else "phan_anh")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/cases").json()["count"] == 17


def test_the_public_lookup_shows_public_fields_only_and_is_throttled(cast, settings):
    settings.DANGBO_CASE_LOOKUPS_PER_IP = 2
    case = make_case(cast.ward1, kind="to_cao", name=SECRET)
    client = Client()
    found = client.get(f"/api/v1/public/cases/{case.code.lower()}")
    assert found.status_code == 200
    body = found.json()
    assert body["code"] == case.code and body["state"] == "received" and body["acknowledge_by"] == "2026-05-13"
    assert SECRET not in found.content.decode() and "content" not in body and "petitioners" not in body
    missing = client.get("/api/v1/public/cases/ZZZZZZZZZZ", HTTP_ACCEPT_LANGUAGE="vi")
    assert missing.status_code == 404 and set(missing.json()) == {"error", "fields"}
    assert "Không có vụ việc nào mang mã này" in missing.json()["error"]
    flood = client.get(f"/api/v1/public/cases/{case.code}")
    assert flood.status_code == 429 and set(flood.json()) == {"error", "fields"}
