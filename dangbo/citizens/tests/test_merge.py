"""Duplicates: shown before saving (page and API), merged with their history kept."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
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


def _pair(cast, kind=Case.Kind.PHAN_ANH, **extra):
    kept = make_case(cast.ward1, kind=kind, name="Nguyễn Văn Dân", **extra)
    dup = make_case(cast.ward1, kind=kind, received_on=dt.date(2026, 5, 4), name="Nguyễn Văn Dân",
                    petitioners=[{"name": "Nguyễn Văn Dân"}, {"name": "Trần Thị Hàng Xóm", "phone": "0911"}],
                    **extra)
    return kept, dup


def test_merging_closes_the_duplicate_and_keeps_both_histories(cast):
    kept, dup = _pair(cast)
    result = services.case_merge(actor=cast.ward_secretary, case=dup, into=kept)
    dup.refresh_from_db()
    assert result == kept and dup.merged_into == kept and dup.state == Case.State.CLOSED
    assert kept.code_display in dup.answer  # the petitioner's code says which code to follow
    assert [p.name for p in kept.petitioners.order_by("order")] == ["Nguyễn Văn Dân", "Trần Thị Hàng Xóm"]
    assert dup.petitioners.count() == 2  # the duplicate keeps its own record
    assert AuditEntry.objects.filter(action="case.merge", object_id=dup.pk).exists()
    entry = AuditEntry.objects.get(action="case.merge_in", object_id=kept.pk)
    assert entry.after == {"merged": dup.code_display, "petitioners": 1}
    assert AuditEntry.objects.filter(action="case.create", object_id=dup.pk).exists()


def test_merging_is_refused_across_kinds_units_closed_cases_and_for_outsiders(cast):
    kept, dup = _pair(cast)
    other_kind = make_case(cast.ward1, kind=Case.Kind.KHIEU_NAI)
    with pytest.raises(ValidationError) as error:
        services.case_merge(actor=cast.ward_secretary, case=dup, into=other_kind)
    assert "into" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.case_merge(actor=cast.ward_secretary, case=dup, into=dup)
    from django.http import Http404

    with pytest.raises(Http404):
        services.case_merge(actor=cast.outsider, case=dup, into=kept)
    services.case_merge(actor=cast.ward_secretary, case=dup, into=kept)
    with pytest.raises(ValidationError):
        services.case_merge(actor=cast.ward_secretary, case=kept, into=dup)  # into a merged, closed case
    assert Case.objects.get(pk=kept.pk).state == Case.State.RECEIVED


def test_a_denunciations_merge_names_nobody_in_the_history(cast, login):
    kept, dup = _pair(cast, kind=Case.Kind.TO_CAO, content="Tố cáo cán bộ phường nhận tiền.")
    services.case_merge(actor=cast.ward_secretary, case=dup, into=kept)
    for entry in AuditEntry.objects.filter(object_id__in=[kept.pk, dup.pk], action__startswith="case."):
        assert "Nguyễn Văn Dân" not in str(entry.before) + str(entry.after)
        assert "Hàng Xóm" not in str(entry.before) + str(entry.after)
    page = login(cast.clerk).get(reverse("citizens:case_detail", args=[kept.pk])).content.decode()
    assert "Hàng Xóm" not in page and "Nguyễn Văn Dân" not in page


def test_the_merge_page_finds_the_case_by_its_code(cast, login):
    kept, dup = _pair(cast)
    url = reverse("citizens:case_merge", args=[dup.pk])
    response = login(cast.ward_secretary).post(url, {"into": "zzzzz-zzzzz"})
    assert response.status_code == 400 and "Không có vụ việc nào" in response.content.decode()
    assert login(cast.outsider).post(url, {"into": kept.code}).status_code == 404
    assert login(cast.member).post(url, {"into": kept.code}).status_code in (403, 404)
    response = login(cast.ward_secretary).post(url, {"into": kept.code_display.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("citizens:case_detail", args=[kept.pk])
    page = login(cast.ward_secretary).get(response["Location"]).content.decode()
    assert dup.code_display in page


def test_the_api_warns_of_a_duplicate_before_saving_and_merges(cast, login):
    kept = make_case(cast.ward1, name="Nguyễn Văn Dân")
    client = login(cast.ward_secretary)
    body = {
        "unit_id": cast.ward1.pk, "kind": "phan_anh", "channel": "online", "received_on": "2026-05-20",
        "content": "Đèn đường khu phố 1 vẫn hỏng, đã ba tháng", "petitioners": [{"name": "nguyen van dan"}],
    }
    response = client.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 409, response.content
    assert set(response.json()) == {"error", "fields"}
    assert kept.code_display in response.json()["fields"]["duplicates"][0]
    assert Case.objects.count() == 1
    response = client.post("/api/v1/cases", body | {"not_duplicate": True}, content_type="application/json")
    assert response.status_code == 201
    new_id = response.json()["id"]
    response = client.post(f"/api/v1/cases/{new_id}/merge", {"into_id": kept.pk}, content_type="application/json")
    assert response.status_code == 200 and response.json()["id"] == kept.pk
    assert Case.objects.get(pk=new_id).merged_into_id == kept.pk
    response = client.post(f"/api/v1/cases/{new_id}/merge", {"into_id": kept.pk}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"error", "fields"}
    outsider = login(cast.outsider).post(f"/api/v1/cases/{kept.pk}/merge", {"into_id": new_id},
                                          content_type="application/json")
    assert outsider.status_code == 404
