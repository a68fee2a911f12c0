"""The home page (Tổng quan): the apps' panels first, scoped like the apps' own pages.

The world (today is 25/11/2026): Phường 1 has an overdue task, one due soon, two behind
schedule, one waiting for the ward's confirmation and one owing its October report; three
cells, one of which held November's meeting, one has it planned for 30/11 (the ward
secretary invited), one has nothing; documents of the city, the ward (one not shared
down) and Đông Lương; a study session for cell 1 on 05/12. Đông Lương has its own task,
cell, document and session, which nobody in Phường 1 may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.assignments import selectors as task_selectors
from dangbo.assignments import services as task_services
from dangbo.assignments.models import Task
from dangbo.conftest import START, make_person
from dangbo.core import home
from dangbo.documents import services as document_services
from dangbo.documents.models import Document, DocumentType, StudySession
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import Meeting, MeetingKind
from dangbo.orgs import services as org_services
from dangbo.orgs.models import Person, Unit, UnitKind

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English (the lead translates the new messages at the end)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _task(title: str, unit: Unit, assigning: Unit, start: dt.date, deadline: dt.date, **kw) -> Task:
    return task_services.task_assign(
        actor=None, title=title, unit=unit, assigning_unit=assigning, start=start, deadline=deadline, **kw
    )


def _cell(parent: Unit, name: str, code: str) -> Unit:
    kind = UnitKind.objects.get(code="chi-bo")
    return org_services.unit_create(actor=None, parent=parent, kind=kind, name=name, code=code)


def _document(unit: Unit, number: str, title: str, *, abbr: str = "KH", date: dt.date | None = None, **kw) -> Document:
    return document_services.document_register(
        actor=None, unit=unit, type=DocumentType.objects.get(abbr=abbr), number=number, date=date or D(2026, 11, 2),
        title=title, issuing_unit=unit, issuer_abbr="ĐU", **kw,
    )


def _session(unit: Unit, title: str, date: dt.date, document: Document, required: list[Unit]) -> StudySession:
    return document_services.study_session_create(
        actor=None, unit=unit, title=title, date=date, documents=[document], required_units=required,
    )


@dataclass
class World:
    overdue: Task
    due_soon: Task
    behind: Task
    awaiting: Task
    report: Task
    theirs: Task
    cell2: Unit
    cell5: Unit
    planned: Meeting
    city_doc: Document
    ward_doc: Document
    ward_private: Document
    dl_doc: Document
    session: StudySession
    past_session: StudySession
    dl_session: StudySession


def build_world(cast) -> World:
    with time_machine.travel(dt.datetime(2026, 10, 1, 3, tzinfo=dt.UTC), tick=False):
        report = _task("Báo cáo tháng về công tác dân vận", cast.ward1, cast.city, D(2026, 9, 1), D(2027, 6, 30),
                       cadence=Task.Cadence.MONTHLY)
    overdue = _task("Kiện toàn chi ủy Khu phố 1", cast.ward1, cast.city, D(2026, 1, 1), D(2026, 11, 1))
    due_soon = _task("Sơ kết sinh hoạt chi bộ 6 tháng", cast.cell1, cast.ward1, D(2026, 11, 1), D(2026, 11, 28))
    task_services.report_submit(actor=None, task=due_soon, percent=90)  # not behind
    behind = _task("Tổ chức đối thoại với Nhân dân", cast.ward1, cast.city, D(2026, 1, 1), D(2026, 12, 31))
    awaiting = _task("Rà soát hồ sơ đảng viên", cast.cell1, cast.ward1, D(2026, 1, 1), D(2026, 12, 31))
    task_services.task_transition(actor=cast.cell_secretary, task=awaiting, to="awaiting")
    theirs = _task("Việc riêng của Đông Lương", cast.ward_dl, cast.city, D(2026, 1, 1), D(2026, 11, 1))

    cell2 = _cell(cast.ward1, "Chi bộ Khu phố 2", "t-p1-kp2")
    cell5 = _cell(cast.ward1, "Chi bộ Khu phố 5", "t-p1-kp5")
    held = meeting_services.meeting_create(actor=None, unit=cell2, kind=MeetingKind.REGULAR, date=D(2026, 11, 2))
    meeting_services.meeting_record(actor=None, meeting=held, duration_minutes=95)
    planned = meeting_services.meeting_create(
        actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=D(2026, 11, 30),
        title="Sinh hoạt thường kỳ tháng 11/2026", place="Nhà văn hóa khu phố 1",
    )
    meeting_services.meeting_guest_add(
        actor=None, meeting=planned, person=Person.objects.get(user=cast.ward_secretary)
    )

    city_doc = _document(cast.city, "05", "Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh", abbr="CT",
                         date=D(2026, 10, 20))
    ward_doc = _document(cast.ward1, "12", "Kế hoạch chỉnh trang đô thị Phường 1")
    ward_private = _document(cast.ward1, "13", "Kế hoạch nhân sự nội bộ Đảng ủy", shared_down=False)
    dl_doc = _document(cast.ward_dl, "14", "Kế hoạch riêng của Đông Lương")
    session = _session(cast.ward1, "Hội nghị quán triệt Chỉ thị 05", D(2026, 12, 5), city_doc, [cast.cell1])
    past_session = _session(cast.ward1, "Hội nghị đã qua", D(2026, 10, 5), city_doc, [cast.cell1])
    dl_session = _session(cast.ward_dl, "Hội nghị của Đông Lương", D(2026, 12, 6), dl_doc, [cast.cell_dl])
    return World(
        overdue=overdue, due_soon=due_soon, behind=behind, awaiting=awaiting, report=report, theirs=theirs,
        cell2=cell2, cell5=cell5, planned=planned, city_doc=city_doc, ward_doc=ward_doc,
        ward_private=ward_private, dl_doc=dl_doc, session=session, past_session=past_session,
        dl_session=dl_session,
    )


def _home(login, user) -> str:
    response = login(user).get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _panel(body: str, heading_id: str) -> str:
    """The HTML of one panel (from its section to the end of it)."""
    start = body.index(f'aria-labelledby="{heading_id}"')
    return body[start : body.index("</section>", start)]


def _stat(panel: str, label: str) -> str:
    """The count tile labelled ``label``, as HTML."""
    end = panel.index(f'<span class="home-stat-label">{label}</span>')
    return panel[panel.rindex("<li>", 0, end) : end]


# --- The ward secretary ----------------------------------------------------------------------


def test_tasks_panel_counts_what_to_act_on_and_links_each_number(cast, login):
    w = build_world(cast)
    panel = _panel(_home(login, cast.ward_secretary), "home-tasks")
    expected = {
        "Overdue": (1, "/nhiem-vu/?flag=overdue"),
        "Due soon": (1, "/nhiem-vu/?flag=due_soon"),
        "Behind schedule": (2, "/nhiem-vu/?flag=behind"),
        "Waiting for my confirmation": (1, "/nhiem-vu/cua-toi/#awaiting"),
        "Periodic reports to send": (1, "/nhiem-vu/cua-toi/#reports"),
    }
    for label, (n, url) in expected.items():
        tile = _stat(panel, label)
        assert f'href="{url}"' in tile, label
        assert f'<span class="home-stat-n">{n}</span>' in tile, label
    # The most urgent, earliest deadline first; nothing closed, nothing far off and on track.
    titles = [w.overdue.title, w.due_soon.title, w.behind.title]
    positions = [panel.index(t) for t in titles]
    assert positions == sorted(positions)
    assert w.report.title in panel  # behind schedule too
    assert w.awaiting.title not in panel and w.theirs.title not in panel


def test_tasks_panel_numbers_match_the_lists_they_open(cast):
    build_world(cast)
    for user in cast.everyone.values():
        summary = task_selectors.home_summary(user=user, today=TODAY)
        for flag in ("overdue", "due_soon", "behind"):
            listed = task_selectors.task_list(user=user, filters=task_selectors.TaskFilters(flag=flag), today=TODAY)
            assert summary[flag] == listed.count(), (user, flag)
        work = task_selectors.my_work(user=user, today=TODAY)
        assert summary["awaiting"] == len(work["awaiting"])
        assert summary["reports"] == len(work["reports"])


def test_meetings_panel_shows_this_months_regular_meetings_of_my_cells(cast, login):
    w = build_world(cast)
    panel = _panel(_home(login, cast.ward_secretary), "home-meetings")
    assert "Cell meetings in 11/2026" in panel
    assert '<span class="home-stat-n">1/3</span> cells have held their regular meeting' in panel
    # Not scheduled first (with the way to schedule it), then planned (opening the meeting).
    assert panel.index("Chi bộ Khu phố 5") < panel.index("Chi bộ Khu phố 1")
    assert f'href="/sinh-hoat/them/?unit={w.cell5.pk}"' in panel
    assert f'href="/sinh-hoat/{w.planned.pk}/"' in panel and "Planned for 30/11/2026" in panel
    assert "Chi bộ Khu phố 2" not in panel.split("My upcoming meetings")[0].split("held their regular meeting")[1]
    # Invited as a guest: the meeting is among my next ones.
    upcoming = panel.split("My upcoming meetings")[1]
    assert "Sinh hoạt thường kỳ tháng 11/2026" in upcoming and "30/11/2026" in upcoming
    assert 'href="/sinh-hoat/?kind=regular&amp;month=2026-11"' in panel


def test_meetings_panel_flags_a_planned_meeting_whose_day_has_passed(cast, login):
    w = build_world(cast)
    Meeting.objects.filter(pk=w.planned.pk).update(date=D(2026, 11, 20))  # same month, now past
    panel = _panel(_home(login, cast.ward_secretary), "home-meetings")
    assert "Planned for 20/11/2026, not recorded as held" in panel


def test_documents_panel_lists_new_documents_and_upcoming_study(cast, login):
    w = build_world(cast)
    panel = _panel(_home(login, cast.ward_secretary), "home-documents")
    for document in (w.ward_doc, w.ward_private, w.city_doc):
        assert document.symbol in panel
    assert panel.index(w.ward_private.symbol) < panel.index(w.city_doc.symbol)  # newest first
    assert w.session.title in panel and f'href="/van-ban/hoc-tap/{w.session.pk}/"' in panel
    assert w.past_session.title not in panel
    assert "You are expected" not in panel  # the ward secretary is not a member of cell 1


# --- Who sees what ---------------------------------------------------------------------------


def test_outsider_sees_nothing_of_the_sibling_ward(cast, login):
    w = build_world(cast)
    body = _home(login, cast.outsider)
    tasks = _panel(body, "home-tasks")
    assert '<span class="home-stat-n">1</span> <span class="home-stat-label">Overdue</span>' in tasks
    assert w.theirs.title in tasks
    meetings = _panel(body, "home-meetings")
    assert '<span class="home-stat-n">0/1</span>' in meetings and "Chi bộ Khu phố 3 Đông Lương" in meetings
    documents = _panel(body, "home-documents")
    assert w.dl_doc.symbol in documents and w.dl_session.title in documents
    assert w.city_doc.symbol in documents  # shared down from the city
    for secret in (
        w.overdue.title, w.due_soon.title, w.behind.title, w.awaiting.title, w.report.title,
        "Chi bộ Khu phố 1", "Chi bộ Khu phố 2", "Chi bộ Khu phố 5", w.planned.title,
        w.ward_doc.title, w.ward_private.title, w.session.title,
    ):
        assert secret not in body, secret
    # …and Phường 1 sees nothing of Đông Lương.
    body = _home(login, cast.ward_secretary)
    for secret in (w.theirs.title, "Đông Lương", w.dl_doc.title, w.dl_session.title):
        assert secret not in body, secret


def test_plain_member_sees_their_cell_and_what_they_may_read(cast, login):
    w = build_world(cast)
    body = _home(login, cast.member)
    tasks = _panel(body, "home-tasks")
    assert w.due_soon.title in tasks  # the cell's own task
    assert w.overdue.title not in tasks and w.behind.title not in tasks  # the ward's
    assert '<span class="home-stat-n">0</span> <span class="home-stat-label">Waiting for my confirmation</span>' in tasks
    meetings = _panel(body, "home-meetings")
    assert '<span class="home-stat-n">0/1</span> cell has held its regular meeting' in meetings
    assert "Chi bộ Khu phố 5" not in meetings and "Chi bộ Khu phố 2" not in meetings
    assert "/sinh-hoat/them/" not in meetings  # a member does not schedule meetings
    upcoming = meetings.split("My upcoming meetings")[1]
    assert w.planned.title in upcoming  # expected as a member of the cell
    documents = _panel(body, "home-documents")
    assert w.ward_doc.symbol in documents and w.city_doc.symbol in documents
    assert w.ward_private.title not in body and w.dl_doc.title not in body
    assert w.session.title in documents and "You are expected" in documents


def test_assigned_leader_sees_the_cells_they_follow_but_not_the_wards_tasks(cast, login):
    """The meetings' leader rule, as on the meeting pages: no grant, yet the cells followed."""
    w = build_world(cast)
    person = make_person("Hồ Sỹ Trung", "leader")
    meeting_services.leader_assign(actor=cast.clerk, person=person, unit=cast.ward1, start=D(2024, 1, 1))
    body = _home(login, person.user)
    meetings = _panel(body, "home-meetings")
    assert '<span class="home-stat-n">1/3</span>' in meetings and "Chi bộ Khu phố 5" in meetings
    assert "/sinh-hoat/them/" not in meetings  # following is not managing
    assert w.overdue.title not in body and w.ward_doc.title not in body


def test_superuser_gets_everything_but_my_work_counts(cast, login, django_user_model):
    w = build_world(cast)
    root = django_user_model.objects.create_superuser("root", password="x")
    tasks = _panel(_home(login, root), "home-tasks")
    assert '<span class="home-stat-n">2</span> <span class="home-stat-label">Overdue</span>' in tasks
    assert w.theirs.title in tasks and w.overdue.title in tasks
    assert '<span class="home-stat-n">0</span> <span class="home-stat-label">Waiting for my confirmation</span>' in tasks


def test_user_without_units_gets_a_working_page_with_empty_states(cast, login, django_user_model):
    build_world(cast)
    newcomer = django_user_model.objects.create_user("newcomer", password="x")
    body = _home(login, newcomer)
    assert "Ask the committee office" in body
    assert "Nothing overdue, due soon or behind schedule in your units." in body
    assert "No party cell under your units." in body
    assert "No meeting is scheduled for you." in body
    assert "No document you may read is registered yet." in body
    assert "No study session is planned for your units." in body
    assert "Kiện toàn" not in body and "Chi bộ Khu phố" not in body


def test_empty_states_of_a_quiet_unit(cast, login):
    """Nothing to do: the panels say so instead of showing empty lists."""
    body = _home(login, cast.ward_secretary)
    assert "Nothing overdue, due soon or behind schedule in your units." in body
    assert '<span class="home-stat-n">0/1</span>' in body
    assert "No document you may read is registered yet." in body
    Unit.objects.filter(pk=cast.cell1.pk).update(valid_to=D(2025, 1, 1))  # the cell is closed
    body = _home(login, cast.ward_secretary)
    assert "No party cell under your units." in body


def test_panels_come_before_my_units_and_positions(cast, login):
    body = _home(login, cast.ward_secretary)
    order = [body.index(marker) for marker in ('id="home-tasks"', 'id="home-meetings"', 'id="home-documents"',
                                               "<h2>My units</h2>", "<h2>My positions</h2>")]
    assert order == sorted(order)
    assert "Trần Văn Phú" in body and "Bí thư Đảng ủy" in body


# --- Cost ------------------------------------------------------------------------------------


def _more(cast, n: int, start: int) -> None:
    """``n`` more of everything under Phường 1: tasks of each kind, cells with and without this
    month's meeting, members, documents, sessions."""
    for i in range(start, start + n):
        _task(f"Việc {i}", cast.ward1 if i % 2 else cast.cell1, cast.city, D(2026, 1, 1),
              D(2026, 11, 1) if i % 3 == 0 else D(2026, 11, 27) if i % 3 == 1 else D(2026, 12, 31))
        cell = _cell(cast.ward1, f"Chi bộ số {i}", f"t-p1-n{i}")
        org_services.membership_create(actor=None, person=make_person(f"Đảng viên {i}"), unit=cell, start=START)
        meeting = meeting_services.meeting_create(actor=None, unit=cell, kind=MeetingKind.REGULAR, date=D(2026, 11, 3))
        if i % 2:
            meeting_services.meeting_record(actor=None, meeting=meeting, duration_minutes=90)
        planned = meeting_services.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.THEMATIC,
                                                  date=D(2026, 12, 1 + i % 20))
        meeting_services.meeting_guest_add(actor=None, meeting=planned, person=Person.objects.get(user=cast.ward_secretary))
        document = _document(cast.ward1, f"{100 + i}", f"Văn bản {i}", date=D(2026, 11, 1 + i % 20))
        _session(cast.ward1, f"Học tập {i}", D(2026, 12, 1 + i % 20), document, [cast.cell1, cell])


@pytest.mark.parametrize("who", ["ward_secretary", "member", "clerk"])
def test_home_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries, who):
    """One of each thing first (every list shows one row), then the whole world and more."""
    client = login(getattr(cast, who))
    url = reverse("core:home")
    _more(cast, 1, start=0)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    build_world(cast)
    _more(cast, 12, start=100)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- The registry ----------------------------------------------------------------------------


def test_panels_come_in_order_and_may_stay_out(rf, cast, monkeypatch):
    monkeypatch.setattr(home, "_panels", {})
    home.register_home_panel(20, "b.html", lambda request, today: {"n": 2})
    home.register_home_panel(10, "a.html", lambda request, today: {"n": 1})
    home.register_home_panel(30, "c.html", lambda request, today: None)  # nothing for this user
    home.register_home_panel(15, "b.html", lambda request, today: {"n": 3})  # again: replaced
    request = rf.get("/")
    request.user = cast.member
    rendered = home.panels_for(request, TODAY)
    assert [(p.template, p.context["n"]) for p in rendered] == [("a.html", 1), ("b.html", 3)]


def test_the_apps_register_their_panels():
    assert [p.template for p in home.home_panels("panels")] == [
        "assignments/_home_panel.html", "meetings/_home_panel.html", "documents/_home_panel.html",
        "citizens/_home_panel.html",
    ]
    assert [p.template for p in home.home_panels("lead")] == ["orgs/_home_notice.html"]
    assert [p.template for p in home.home_panels("after")] == ["orgs/_home_units.html"]


def test_a_panel_goes_only_to_a_known_place(monkeypatch):
    monkeypatch.setattr(home, "_panels", {})
    with pytest.raises(ValueError, match="sidebar"):
        home.register_home_panel(10, "x.html", lambda request, today: {}, place="sidebar")
    assert home.home_panels() == []
