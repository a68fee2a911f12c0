"""Tasks proposed from a plan's text: the units matched to the tree, the page where the office
accepts, edits or drops each proposal, the API, and the outsider from the sibling ward."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.assignments.models import Task
from dangbo.core.models import ApiToken, AuditEntry
from dangbo.documents import services as documents
from dangbo.documents.models import DocumentType
from dangbo.plans import selectors, services
from dangbo.plans.models import ThemeItem

D = dt.date
pytestmark = pytest.mark.django_db

TEXT = """KẾ HOẠCH thực hiện chủ đề năm 2026
III. TỔ CHỨC THỰC HIỆN
1. Giao Đảng ủy các phường chủ trì, phối hợp với Văn phòng Thành ủy tổ chức lấy ý kiến Nhân dân về chỉnh trang đô thị, hoàn thành trước ngày 30/6/2026.
2. Văn phòng Thành ủy chịu trách nhiệm theo dõi, đôn đốc; báo cáo kết quả về Ban Thường vụ trước ngày 15/12/2026.
3. Ban Tuyên giáo Thành ủy hướng dẫn tuyên truyền; thời gian: tháng 5/2026.
"""


@pytest.fixture
def plan(cast):
    kind = DocumentType.objects.get(abbr="KH")
    return documents.document_register(
        actor=None, unit=cast.city, type=kind, number="12", date=D(2026, 2, 1), title="Kế hoạch chỉnh trang đô thị",
        issuer_abbr="TU", issuing_unit=cast.city, full_text=TEXT, shared_down=True,
    )


def test_the_proposals_are_matched_to_the_tree(cast, plan):
    rows = selectors.document_proposals(user=cast.clerk, document=plan)
    assert [r.proposal.units for r in rows] == [["Đảng ủy các phường"], ["Văn phòng Thành ủy"], ["Ban Tuyên giáo Thành ủy"]]
    assert {u.pk for u in rows[0].units} == {cast.ward1.pk, cast.ward_dl.pk}
    assert rows[0].coordinating == [cast.office]
    assert rows[1].units == [cast.office] and rows[1].proposal.deadline == D(2026, 12, 15)
    assert rows[2].units == [] and rows[2].unmatched == ["Ban Tuyên giáo Thành ủy"]  # not in the cast's tree
    # The ward's secretary sees only the own ward among the wards.
    mine = selectors.document_proposals(user=cast.ward_secretary, document=plan)
    assert [u.pk for u in mine[0].units] == [cast.ward1.pk]


@time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
def test_the_office_accepts_edits_and_drops(cast, plan, login):
    theme = services.theme_create(actor=None, unit=cast.city, year=2026, text="Chủ đề năm 2026")
    item = services.item_create(actor=None, theme=theme, title="Chỉnh trang đô thị văn minh")
    client = login(cast.clerk)
    url = reverse("plans:document_proposals", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lấy ý kiến Nhân dân" in page.content.decode() or "lấy ý kiến Nhân dân" in page.content.decode()
    data = {
        # accepted as read, linked to the item
        "p0-accept": "on", "p0-title": "Tổ chức lấy ý kiến Nhân dân", "p0-units": [cast.ward1.pk, cast.ward_dl.pk],
        "p0-coordinating": [cast.office.pk], "p0-deadline": "30/06/2026", "p0-item": item.pk,
        # edited: another deadline
        "p1-accept": "on", "p1-title": "Theo dõi, đôn đốc", "p1-units": [cast.office.pk], "p1-deadline": "20/12/2026",
        # dropped
        "p2-title": "Hướng dẫn tuyên truyền",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Task.objects.filter(document=plan).order_by("unit__path")
    assert sorted(t.unit_id for t in made) == sorted([cast.ward1.pk, cast.ward_dl.pk, cast.office.pk])
    assert {t.deadline for t in made if t.unit_id == cast.office.pk} == {D(2026, 12, 20)}
    assert set(item.tasks.values_list("unit_id", flat=True)) == {cast.ward1.pk, cast.ward_dl.pk}
    assert all(t.assigning_unit_id == cast.city.pk for t in made)
    assert AuditEntry.objects.filter(action="document.task_proposals", object_id=str(plan.pk)).exists()
    # Accepted proposals are marked as already tasks.
    rows = selectors.document_proposals(user=cast.clerk, document=plan)
    assert [r.done for r in rows] == [True, True, False]


@time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
def test_an_accepted_proposal_without_unit_or_deadline_saves_nothing(cast, plan, login):
    client = login(cast.clerk)
    url = reverse("plans:document_proposals", args=[plan.pk])
    response = client.post(url, {
        "p0-accept": "on", "p0-title": "Tổ chức lấy ý kiến", "p0-units": [cast.ward1.pk], "p0-deadline": "30/06/2026",
        "p2-accept": "on", "p2-title": "Hướng dẫn tuyên truyền", "p2-deadline": "",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chọn đơn vị chủ trì." in body and "Đặt hạn hoàn thành." in body
    assert not Task.objects.filter(document=plan).exists()
    with pytest.raises(ValidationError) as error:
        services.document_proposals_accept(actor=cast.clerk, document=plan, accepted=[
            services.AcceptedProposal(title="Việc", units=[cast.ward1], deadline=None)])
    assert "0-deadline" in error.value.message_dict


def test_who_may_open_the_page(cast, plan, login):
    url = reverse("plans:document_proposals", args=[plan.pk])
    assert login(cast.outsider).get(url).status_code == 403  # sees the city's plan, assigns nothing
    assert login(cast.ward_secretary).get(url).status_code == 403
    assert login(cast.clerk).get(url).status_code == 200
    detail = login(cast.clerk).get(plan.get_absolute_url()).content.decode()
    assert url in detail
    assert url not in login(cast.ward_secretary).get(plan.get_absolute_url()).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(cast, plan, login, django_assert_max_num_queries):
    client = login(cast.clerk)
    url = reverse("plans:document_proposals", args=[plan.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_api_returns_the_proposals(cast, plan, client):
    token = ApiToken.issue(user=cast.ward_secretary, name="t")[1]
    response = client.post(f"/api/v1/documents/{plan.pk}/task-proposals", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["units"] for i in items] == [["Đảng ủy các phường"], ["Văn phòng Thành ủy"], ["Ban Tuyên giáo Thành ủy"]]
    assert items[0]["deadline"] == "2026-06-30" and items[0]["coordinating"] == ["Văn phòng Thành ủy"]
    assert items[0]["unit_ids"] == [cast.ward1.pk]  # only what the ward's secretary sees
    assert items[2]["unmatched"] == ["Ban Tuyên giáo Thành ủy"]
    assert ThemeItem.objects.count() == 0 and not Task.objects.filter(document=plan).exists()  # nothing saved
