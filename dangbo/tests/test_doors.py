"""Every door: each URL pattern and each API operation, opened by the whole cast, an outsider
from the sibling ward and an anonymous visitor, answers what the one policy says.

* A route about an object answers 404 to whoever may not see the object (the same answer as a
  missing id), 403 to whoever sees it but may not do the route's action, and neither to whoever
  may — the expectation is asked of ``dangbo.core.policy`` at the moment of the request, so the
  view and the policy cannot drift apart.
* A route without an object (lists, search, creation forms) never shows the outsider anything of
  Phường 1: every object of the world carries the marker ``MẬT-P1`` in its title.
* Every URL name and every API operation must appear in ``ROUTES``/``API_ROUTES`` or in
  ``EXEMPT`` with its reason: a new view that forgets to say how it is guarded fails here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangbo.conftest import START, make_person
from dangbo.core import policy
from dangbo.core.models import ApiToken
from dangbo.core.policy import Action

pytestmark = pytest.mark.django_db

MARK = "MẬT-P1"
CAST = ["outsider", "member", "cell_secretary", "ward_secretary", "clerk"]


def _pdf() -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("tai-lieu.pdf", buffer.getvalue(), content_type="application/pdf")


@dataclass
class World:
    cast: Any
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world(cast) -> World:
    """One object of every kind, all of Phường 1, each titled with the marker."""
    from dangbo.assignments import services as tasks
    from dangbo.core.notifications import notify
    from dangbo.documents import services as documents
    from dangbo.documents.models import DocumentType
    from dangbo.meetings import services as meetings
    from dangbo.meetings.models import CriteriaSet, MeetingKind
    from dangbo.orgs import services as orgs
    from dangbo.orgs.models import Person, Position

    world = World(cast)
    o = world.objects
    o["term"] = orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=START)
    o["position"] = Position.objects.get(unit=cast.cell1, person__user=cast.cell_secretary)
    o["person"] = Person.objects.get(user=cast.member)
    kind = DocumentType.objects.get(abbr="NQ")
    o["document"] = documents.document_register(
        actor=None, unit=cast.ward1, type=kind, number="07", date=dt.date(2024, 3, 1),
        title=f"Nghị quyết {MARK} về xây dựng chi bộ", issuer_abbr="ĐU", issuing_unit=cast.ward1,
        shared_down=False, uploads=[_pdf()],
    )
    o["document_file"] = o["document"].files.first()
    base = documents.document_register(
        actor=None, unit=cast.ward1, type=kind, number="03", date=dt.date(2023, 3, 1),
        title=f"Nghị quyết {MARK} gốc", issuer_abbr="ĐU", issuing_unit=cast.ward1, shared_down=False,
    )
    o["relation"] = documents.document_relate(
        actor=None, document=o["document"], target=base, kind=_relation_kind()
    )
    o["study"] = documents.study_session_create(
        actor=None, unit=cast.ward1, title=f"Học tập {MARK}", date=dt.date(2024, 4, 1),
        documents=[o["document"]], required_units=[cast.cell1], uploads=[_pdf()],
    )
    o["material"] = o["study"].materials.first()
    o["task"] = tasks.task_assign(
        actor=None, title=f"Nhiệm vụ {MARK}", unit=cast.cell1, assigning_unit=cast.ward1,
        start=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31),
    )
    o["evidence"] = tasks.report_submit(
        actor=None, task=o["task"], percent=10, text=f"Báo cáo {MARK}", files=[_pdf()]
    ).files.get()
    o["program"] = tasks.program_create(actor=None, unit=cast.ward1, year=2026, title=f"Chương trình {MARK}")
    o["inspection"] = tasks.inspection_create(
        actor=None, program=o["program"], kind=_inspection_kind(), target_unit=cast.cell1,
        subject=f"Kiểm tra {MARK}", period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
    )
    o["meeting"] = meetings.meeting_create(
        actor=None, unit=cast.cell1, kind=MeetingKind.REGULAR, date=dt.date(2026, 3, 2),
        title=f"Sinh hoạt {MARK}",
    )
    o["decision"] = meetings.decision_create(
        actor=None, meeting=o["meeting"], text=f"Quyết nghị {MARK}", deadline=dt.date(2026, 6, 30)
    )
    o["criteria_set"] = CriteriaSet.objects.order_by("pk").first()
    o["criterion"] = o["criteria_set"].criteria.order_by("pk").first()
    o["section"] = o["criteria_set"].sections.order_by("pk").first()
    o["group"] = meetings.working_group_create(
        actor=None, unit=cast.ward1, name=f"Tổ công tác {MARK}", start=dt.date(2024, 1, 1),
        members=[(make_person("Tổ viên"), "Tổ trưởng")], followed_units=[cast.cell1],
    )
    notify(cast.member, verb="task.assigned", title=f"Thông báo {MARK}", obj=o["task"])
    from dangbo.core.notifications import Notification

    o["notification"] = Notification.objects.get(user=cast.member)
    o["token"] = ApiToken.issue(user=cast.cell_secretary, name=f"Mã {MARK}")[0]
    from dangbo.plans import services as plans

    o["theme"] = plans.theme_create(actor=None, unit=cast.ward1, year=2026, text=f"Chủ đề {MARK}")
    o["item"] = plans.item_create(actor=None, theme=o["theme"], title=f"Khâu đột phá {MARK}")
    o["milestone"] = plans.milestone_add(actor=None, item=o["item"], period="quarter", number=2, text=f"Mốc {MARK}")
    plans.item_link_tasks(actor=None, item=o["item"], tasks=[o["task"]])
    o["commitment"] = plans.commitment_create(
        actor=None, year=2026, upper_unit=cast.ward1, lower_unit=cast.cell1, title=f"Cam kết {MARK}",
        items=[{"title": f"Mục {MARK}", "weight": 50}, {"title": "Mục hai", "weight": 50}],
    )
    plans.commitment_scan_attach(actor=None, commitment=o["commitment"], upload=_pdf())
    o["commitment_status"] = plans.commitment_status_set(
        actor=None, item=o["commitment"].items.first(), quarter=1, status="partly"
    )
    o["indicator"] = plans.indicator_create(
        actor=None, unit=cast.ward1, term=o["term"], code="ket-nap", name=f"Chỉ tiêu {MARK}"
    )
    from dangbo.citizens import services as citizens

    o["case"] = citizens.case_create(
        actor=None, unit=cast.ward1, kind="phan_anh", channel="letter", content=f"Phản ánh {MARK}",
        received_on=dt.date(2026, 4, 24), petitioners=[{"name": f"Người gửi {MARK}"}],
    )
    ward_head = Person.objects.get(user=cast.ward_secretary)
    o["reception_day"] = citizens.reception_day_create(
        actor=None, unit=cast.ward1, host=ward_head, date=dt.date(2026, 3, 5), place=f"Trụ sở {MARK}",
    )
    o["dialogue"] = citizens.dialogue_create(
        actor=None, unit=cast.ward1, host=ward_head, date=dt.date(2026, 3, 6), topics=f"Đối thoại {MARK}",
    )
    from dangbo.people.admission import services as admission

    o["candidate"] = admission.candidate_create(
        actor=None, unit=cast.cell1, full_name=f"Quần chúng {MARK}", gender="f", birth_date=dt.date(1998, 1, 2),
        added_on=dt.date(2025, 1, 6),
    )
    from dangbo.people.members import services as members

    o["member_out"] = members.member_create(
        actor=None, cell=cast.cell1, start=dt.date(2021, 1, 4), full_name=f"Đảng viên {MARK}", gender="m",
    )
    o["transfer_event"] = members.member_transfer_out(
        actor=None, person=o["member_out"], date=dt.date(2024, 2, 1), destination=f"Đảng bộ {MARK}",
    )
    from dangbo.people.cadres import services as cadres

    cadre = make_person(f"Cán bộ {MARK}")
    orgs.position_create(actor=None, person=cadre, unit=cast.ward1, title=f"Phó Bí thư {MARK}", start=START)
    o["profile"] = cadres.profile_create(actor=None, person=cadre, unit=cast.ward1, theory=2)
    o["plan"] = cadres.plan_create(
        actor=None, unit=cast.ward1, term_code="2025-2030", start_year=2025, end_year=2030, decision=f"QĐ {MARK}"
    )
    o["plan_candidate"] = cadres.candidate_add(actor=None, plan=o["plan"], person=cadre, title=f"Bí thư {MARK}")
    o["move"] = cadres.move_propose(
        actor=None, kind="appointment", person=cadre, unit=cast.ward1, title=f"Bí thư {MARK}",
        proposed_on=dt.date(2025, 9, 1), start=dt.date(2025, 10, 1),
    )
    from dangbo.core.models import CalendarDay, DeadlineRule

    # Office data, read by everyone (no marker): changed by the office only.
    o["calendar_day"] = CalendarDay.objects.create(date=dt.date(2031, 1, 2), kind="off", source="TB")
    o["deadline_rule"] = DeadlineRule.objects.create(
        code="doors.rule", name="Cửa", days=5, counting="working", source="VB", effective_from=dt.date(2026, 1, 1)
    )
    from dangbo.people.ratings import services as ratings

    o["rating"] = ratings.rating_open(actor=None, person=o["person"], year=2025, level="cell")
    o["rating_campaign"] = ratings.campaign_open(actor=None, unit=cast.ward1, year=2025)
    from dangbo.reports import services as reports

    o["review"] = reports.review_create(actor=None, unit=cast.ward1, term=o["term"])
    o["periodic"] = reports.periodic_draft(actor=None, unit=cast.ward1, period="month", start=dt.date(2026, 3, 1))
    return world


def _relation_kind() -> str:
    from dangbo.documents.models import DocumentRelation

    return DocumentRelation.Kind.values[0]


def _inspection_kind() -> str:
    from dangbo.assignments.models import Inspection

    return Inspection.Kind.values[0]


# --- The routes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """How to open a route: its URL kwargs from the world, the object the policy is asked about
    (``None``: a route with no object) and the action it needs; ``only_404`` when the route has
    finer rules of its own past visibility (the 404 part is still the policy's)."""

    kwargs: Callable[[World], dict] = lambda w: {}
    obj: Callable[[World], Any] | None = None
    action: Action = Action.VIEW
    method: str = "GET"
    only_404: bool = False
    #: The API body: valid enough that the answer is the policy's, not the schema's.
    body: Callable[[World], dict] = lambda w: {}
    #: The API query string (``?unit=…``), for operations that take their object there.
    query: Callable[[World], str] = lambda w: ""


def on(
    name: str, action: Action = Action.VIEW, method: str = "GET", kw: str = "pk",
    body: Callable[[World], dict] = lambda w: {}, **extra,
) -> Route:
    """A route about ``world.<name>``, with its id in the URL's ``kw``."""
    return Route(
        kwargs=lambda w: {kw: getattr(w, name).pk} | {k: v(w) for k, v in extra.items()},
        obj=lambda w: getattr(w, name),
        action=action,
        method=method,
        body=body,
    )


def on_unit(unit: str, action: Action = Action.VIEW, method: str = "GET") -> Route:
    return Route(
        kwargs=lambda w: {"pk": getattr(w.cast, unit).pk},
        obj=lambda w: getattr(w.cast, unit),
        action=action,
        method=method,
    )


OPEN = Route()
OPEN_POST = Route(method="POST")

ROUTES: dict[str, Route] = {
    # core
    "core:home": OPEN,
    "core:notifications": OPEN,
    "core:notifications_menu": OPEN,
    "core:notifications_read_all": OPEN_POST,
    "core:notification_preferences": OPEN_POST,
    "core:notification_open": on("notification"),
    "core:notification_read": on("notification", method="POST"),
    "core:search": Route(kwargs=lambda w: {}),
    "core:tokens": OPEN,
    "core:token_revoke": on("token", Action.CHANGE, "POST"),
    "core:calendar": OPEN,
    "core:calendar_delete": on("calendar_day", Action.CHANGE, "POST"),
    "core:deadline_rules": OPEN,
    "core:deadline_rule_end": on("deadline_rule", Action.CHANGE, "POST"),
    # orgs
    "orgs:unit_list": OPEN,
    "orgs:unit_detail": on_unit("cell1"),
    "orgs:unit_tree_children": on_unit("cell1"),
    "orgs:unit_members": on_unit("cell1"),
    "orgs:unit_history": on_unit("cell1"),
    "orgs:unit_create": on_unit("cell1", Action.CHANGE),
    "orgs:unit_edit": on_unit("cell1", Action.CHANGE),
    "orgs:unit_move": on_unit("cell1", Action.REORGANISE),
    "orgs:unit_merge": on_unit("cell1", Action.REORGANISE),
    "orgs:unit_split": on_unit("cell1", Action.REORGANISE),
    "orgs:term_create": on_unit("ward1", Action.CHANGE),
    "orgs:term_detail": on("term"),
    "orgs:position_create": on_unit("cell1", Action.CHANGE),
    "orgs:position_end": on("position", Action.CHANGE),
    "orgs:person_list": OPEN,
    "orgs:person_lookup": OPEN,
    "orgs:unit_lookup": on_unit("cell1", Action.REORGANISE),
    "orgs:person_detail": on("person"),
    # documents
    "documents:document_list": OPEN,
    "documents:unit_lookup": OPEN,
    "documents:document_export": OPEN,
    "documents:document_import": OPEN,
    "documents:document_import_template": OPEN,
    "documents:document_create": OPEN,
    "documents:document_stats": OPEN,
    "documents:document_detail": on("document"),
    "documents:document_edit": on("document", Action.CHANGE),
    "documents:document_lineage": on("document"),
    "documents:document_relate": on("document", Action.CHANGE, "POST"),
    "documents:document_unrelate": Route(
        kwargs=lambda w: {"pk": w.document.pk, "relation_pk": w.relation.pk},
        obj=lambda w: w.relation, action=Action.CHANGE, method="POST",
    ),
    "documents:document_attach": on("document", Action.CHANGE, "POST"),
    "documents:document_file": on("document", file_pk=lambda w: w.document_file.pk),
    "documents:study_list": OPEN,
    "documents:study_create": OPEN,
    "documents:study_detail": on("study"),
    "documents:study_attendance": Route(
        kwargs=lambda w: {"pk": w.study.pk, "unit_pk": w.cast.cell1.pk},
        obj=lambda w: w.study,
        only_404=True,
    ),
    "documents:study_material_add": on("study", Action.CHANGE, "POST"),
    "documents:study_material": on("study", file_pk=lambda w: w.material.pk),
    # assignments
    "assignments:task_list": OPEN,
    "assignments:unit_lookup": OPEN,
    "assignments:task_create": OPEN,
    "assignments:my_work": OPEN,
    "assignments:overview": OPEN,
    "assignments:unit_dashboard": on_unit("cell1"),
    "assignments:document_tasks": on("document"),
    "assignments:task_detail": on("task"),
    "assignments:task_edit": on("task", Action.CHANGE),
    "assignments:subtask_create": on("task", Action.CASCADE),
    "assignments:task_report": on("task", Action.CONTRIBUTE, "POST"),
    "assignments:evidence_file": Route(
        kwargs=lambda w: {"pk": w.task.pk, "file_pk": w.evidence.pk}, obj=lambda w: w.evidence
    ),
    "assignments:task_transition": Route(
        kwargs=lambda w: {"pk": w.task.pk}, obj=lambda w: w.task, method="POST", only_404=True
    ),
    "assignments:decision_assign": on("decision", Action.CHANGE, "POST"),
    "assignments:program_list": OPEN,
    "assignments:program_create": OPEN,
    "assignments:program_detail": on("program"),
    "assignments:program_edit": on("program", Action.CHANGE),
    "assignments:inspection_detail": on("inspection"),
    "assignments:inspection_edit": on("inspection", Action.CHANGE),
    # meetings
    "meetings:meeting_list": OPEN,
    "meetings:unit_lookup": OPEN,
    "meetings:leader_lookup": OPEN,
    "reports:unit_lookup": OPEN,
    "meetings:meeting_create": OPEN,
    "meetings:schedule_year": OPEN,
    "meetings:meeting_detail": on("meeting"),
    "meetings:meeting_edit": on("meeting", Action.CHANGE),
    "meetings:meeting_record": on("meeting", Action.CHANGE),
    "meetings:roll_call": on("meeting", Action.CHANGE),
    "meetings:roll_call_row": on(
        "meeting", Action.CHANGE, "POST", person_id=lambda w: w.person.pk
    ),
    "meetings:meeting_score": Route(
        kwargs=lambda w: {"pk": w.meeting.pk, "rater": "self"}, obj=lambda w: w.meeting,
        action=Action.SCORE_SELF,
    ),
    "meetings:guest_add": on("meeting", Action.CHANGE),
    "meetings:decision_add": on("meeting", Action.CHANGE),
    "meetings:meeting_close": on("meeting", Action.CHANGE, "POST"),
    "meetings:meeting_export": on(
        "meeting", document=lambda w: "bien-ban", fmt=lambda w: "docx"
    ),
    "meetings:criteria_list": OPEN,
    "meetings:criteria_detail": on("criteria_set"),
    "meetings:criteria_new_version": on("criteria_set", Action.CHANGE),
    "meetings:criterion_add": on("criteria_set", Action.CHANGE),
    "meetings:criteria_thresholds": on("criteria_set", Action.CHANGE),
    "meetings:criterion_edit": on("criterion", Action.CHANGE),
    "meetings:criterion_remove": on("criterion", Action.CHANGE),
    "meetings:section_edit": on("section", Action.CHANGE),
    "meetings:quality_home": OPEN,
    "meetings:quality": on_unit("cell1"),
    "meetings:leader_assignments": OPEN,
    "meetings:working_groups": OPEN,
    "meetings:working_group_detail": on("group"),
    "meetings:visits": OPEN,
    "meetings:coverage": OPEN,
    "meetings:my_view": OPEN,
    "meetings:ical_revoke": OPEN_POST,
    # plans
    "plans:theme_list": OPEN,
    "plans:unit_lookup": OPEN,
    "plans:theme_create": OPEN,
    "plans:board": OPEN,
    "plans:theme_detail": on("theme"),
    "plans:theme_edit": on("theme", Action.CHANGE),
    "plans:item_create": on("theme", Action.CHANGE),
    "plans:stocktake": on("theme"),
    "plans:item_detail": on("item"),
    "plans:item_edit": on("item", Action.CHANGE),
    "plans:milestone_add": on("item", Action.CHANGE, "POST"),
    "plans:milestone_remove": Route(
        kwargs=lambda w: {"pk": w.item.pk, "milestone_pk": w.milestone.pk},
        obj=lambda w: w.milestone, action=Action.CHANGE, method="POST",
    ),
    "plans:item_link": on("item", Action.CHANGE),
    "plans:item_unlink": on("item", Action.CHANGE, "POST", task_pk=lambda w: w.task.pk),
    "plans:item_assign": on("item", Action.CHANGE),
    # Who rates is finer than the policy (the item's owner or its unit's managers): 404 is the policy's.
    "plans:item_rate": Route(kwargs=lambda w: {"pk": w.item.pk}, obj=lambda w: w.item, method="POST", only_404=True),
    "plans:commitment_list": OPEN,
    "plans:commitment_create": OPEN,
    "plans:commitment_detail": on("commitment"),
    "plans:commitment_export": on("commitment"),
    "plans:commitment_pdf": on("commitment"),
    "plans:commitment_scan": on("commitment"),
    "plans:commitment_scan_upload": on("commitment", Action.CHANGE, "POST"),
    "plans:commitment_evaluation_export": on("commitment"),
    "plans:commitment_link": on("commitment", Action.CONTRIBUTE, item_pk=lambda w: w.commitment.items.first().pk),
    "plans:commitment_comment": Route(
        kwargs=lambda w: {"pk": w.commitment.pk, "status_pk": w.commitment_status.pk},
        obj=lambda w: w.commitment, action=Action.CHANGE, method="POST",
    ),
    "plans:commitment_status": on("commitment", Action.CONTRIBUTE, "POST"),
    "plans:commitment_self_evaluate": on("commitment", Action.CONTRIBUTE, "POST"),
    "plans:commitment_evaluate": on("commitment", Action.CHANGE, "POST"),
    "plans:indicator_list": OPEN,
    "plans:indicator_detail": on("indicator"),
    "plans:document_proposals": on("document", Action.CHANGE),
    # citizens
    "citizens:unit_lookup": OPEN,
    "citizens:case_list": OPEN,
    "citizens:case_create": OPEN,
    "citizens:case_detail": on("case"),
    "citizens:case_acknowledge": on("case", Action.CHANGE, "POST"),
    "citizens:case_answer": on("case", Action.CHANGE, "POST"),
    "citizens:case_close": on("case", Action.CHANGE, "POST"),
    "citizens:case_task": on("case", Action.CHANGE, "POST"),
    "citizens:case_merge": on("case", Action.CHANGE, "POST"),
    "citizens:case_letter": Route(kwargs=lambda w: {"pk": w.case.pk}, obj=lambda w: w.case, only_404=True),
    "citizens:case_receipt": on("case"),
    "citizens:case_identity_share": Route(
        kwargs=lambda w: {"pk": w.case.pk}, obj=lambda w: w.case, method="POST", only_404=True
    ),
    "citizens:reception_list": Route(kwargs=lambda w: {}),
    "citizens:reception_create": OPEN,
    "citizens:reception_status": on("reception_day", Action.CHANGE, "POST"),
    "citizens:dialogue_list": OPEN,
    "citizens:dialogue_create": OPEN,
    "citizens:dialogue_detail": on("dialogue"),
    "citizens:response_times": OPEN,
    # people: admission
    "people:admission_unit_lookup": OPEN,
    "people:cadre_unit_lookup": OPEN,
    "people:member_unit_lookup": OPEN,
    "people:rating_unit_lookup": OPEN,
    "people:admission_pipeline": OPEN,
    "people:candidate_create": OPEN,
    "people:admission_targets": OPEN,
    "people:admission_rules": OPEN,
    "people:candidate_detail": on("candidate"),
    "people:candidate_step": on("candidate", Action.CHANGE, "POST", step=lambda w: "certificate"),
    # people: members
    "people:member_list": OPEN,
    "people:member_create": OPEN,
    "people:member_transfer_in": OPEN,
    "people:member_admit": OPEN,
    "people:member_export": OPEN,
    "people:member_import": OPEN,
    "people:member_detail": on("person"),
    "people:member_edit": on("person", Action.CHANGE),
    "people:member_transfer": on("person", Action.CHANGE),
    "people:member_transfer_out": on("person", Action.CHANGE),
    "people:member_leave": on("person", Action.CHANGE),
    "people:member_letter": on("member_out", Action.CHANGE, event_pk=lambda w: w.transfer_event.pk),
    # people: cadres
    "people:cadre_list": OPEN,
    "people:cadre_create": OPEN,
    "people:cadre_detail": on("profile"),
    "people:cadre_edit": on("profile", Action.CHANGE),
    "people:training_add": on("profile", Action.CHANGE),
    "people:award_add": on("profile", Action.CHANGE),
    "people:plan_list": OPEN,
    "people:plan_create": OPEN,
    "people:plan_detail": on("plan"),
    "people:candidate_add": on("plan", Action.CHANGE),
    "people:plan_recheck": on("plan", Action.CHANGE, "POST"),
    "people:candidate_remove": on("plan_candidate", Action.CHANGE, "POST"),
    "people:rule_list": OPEN,
    "people:move_list": OPEN,
    "people:move_create": OPEN,
    "people:move_detail": on("move"),
    "people:move_decide": on("move", Action.CHANGE, "POST"),
    "people:move_take_up": on("move", Action.CHANGE, "POST"),
    "people:move_complete": on("move", Action.CHANGE, "POST"),
    "people:move_cancel": on("move", Action.CHANGE, "POST"),
    "people:shares": OPEN,
    "people:streamlining": OPEN,
    "citizens:reception_report": OPEN,
    # people: ratings
    "people:rating_home": OPEN,
    "people:rating_campaign": on("rating_campaign"),
    "people:rating_campaign_progress": on("rating_campaign"),
    "people:rating_campaign_prefill": on("rating_campaign", Action.CHANGE, "POST"),
    "people:rating_campaign_export": on("rating_campaign", fmt=lambda w: "xlsx"),
    "people:rating_detail": on("rating"),
    "people:rating_discipline_create": OPEN,
    # reports
    "reports:index": OPEN,
    "reports:unit": on_unit("ward1"),
    "reports:unit_xlsx": on_unit("ward1"),
    "reports:review_create": on_unit("ward1", Action.CHANGE, "POST"),
    "reports:review_detail": on("review"),
    "reports:review_edit": on("review", Action.CHANGE, "POST"),
    "reports:review_refresh": on("review", Action.CHANGE, "POST"),
    "reports:review_export": on("review", fmt=lambda w: "docx"),
    "reports:periodic_list": OPEN,
    "reports:periodic_detail": on("periodic"),
    "reports:periodic_submit": on("periodic", Action.CHANGE, "POST"),
    "reports:periodic_edit": on("periodic", Action.CHANGE, "POST"),
    "reports:periodic_refresh": on("periodic", Action.CHANGE, "POST"),
    "reports:periodic_export": on("periodic", fmt=lambda w: "docx"),
    "password_change": OPEN,
    "password_change_done": OPEN,
}

#: Routes not walked here, each with the reason and where it is tested instead.
EXEMPT: dict[str, str] = {
    "login": "the way in (core/tests/test_auth.py)",
    "logout": "the way out (core/tests/test_auth.py)",
    "set_language": "Django's language switch: no data",
    "core:healthz": "public health check, no data (core/tests)",
    "meetings:ical": "a secret-token calendar feed, anonymous by design (meetings/tests/test_calendar_feed.py)",
    "api:openapi-json": "the API's schema, public",
    "api:openapi-view": "the API's interactive documentation, public",
    "api:api-root": "the API's index",
    "api:unknown": "the API's 404 for unknown paths",
    "password_reset": "the way back in, anonymous by design (core/tests/test_accounts.py)",
    "password_reset_done": "the way back in, anonymous by design (core/tests/test_accounts.py)",
    "password_reset_confirm": "a secret-token link from the e-mail (core/tests/test_accounts.py)",
    "password_reset_complete": "the way back in, anonymous by design (core/tests/test_accounts.py)",
    "citizens:follow": "a petitioner follows a case by its code, anonymous by design (citizens/tests/test_views.py)",
}


def url_names() -> set[str]:
    def walk(resolver: URLResolver, namespace: str | None) -> set[str]:
        names: set[str] = set()
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                names |= walk(pattern, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return walk(get_resolver(), None)


def test_every_url_says_how_it_is_guarded():
    names = {n for n in url_names() if not n.startswith("api:") or n in EXEMPT}
    missing = sorted(names - set(ROUTES) - set(EXEMPT))
    assert not missing, f"add these URL names to ROUTES (or EXEMPT, with the reason): {missing}"
    stale = sorted((set(ROUTES) | set(EXEMPT)) - url_names())
    assert not stale, f"these routes no longer exist: {stale}"


def expected(user, route: Route, world: World) -> set[int] | None:
    """The statuses the policy allows for ``user`` on ``route``; ``None``: any but 403/404/5xx."""
    if route.obj is None:
        return None
    obj = route.obj(world)
    if not type(obj).objects.filter(pk=obj.pk).exists():
        return {404}  # an earlier user's request removed it (unrelate): gone for everyone
    obj.refresh_from_db()
    if not policy.may(user, Action.VIEW, obj):
        return {404}
    if route.only_404:
        return {200, 302, 400, 403, 405}
    if route.action != Action.VIEW and not policy.may(user, route.action, obj):
        return {403}
    return None


def _status_ok(status: int, allowed: set[int] | None, route: Route) -> bool:
    if allowed is None:
        # A route with no object may refuse (a creation form to someone who manages nothing).
        return status < 500 and (route.obj is None or status not in (403, 404))
    return status in allowed


def test_every_page_answers_what_the_policy_says(cast):
    world = build_world(cast)
    wrong: list[str] = []
    for name, route in ROUTES.items():
        url = reverse(name, kwargs=route.kwargs(world))
        anonymous = Client().generic(route.method, url)
        if anonymous.status_code not in (302, 403, 404, 405) or (
            anonymous.status_code == 302 and "/dang-nhap/" not in anonymous["Location"]
        ):
            wrong.append(f"{name} anonymous: {anonymous.status_code}")
        for who in CAST:
            user = getattr(cast, who)
            policy.forget(user)
            allowed = expected(user, route, world)
            client = Client()
            client.force_login(user)
            response = client.generic(route.method, url)
            if not _status_ok(response.status_code, allowed, route):
                wrong.append(f"{name} as {who}: {response.status_code}, the policy says {allowed or 'allowed'}")
            if who == "outsider" and response.status_code == 200 and MARK in response.content.decode(errors="replace"):
                wrong.append(f"{name} as outsider shows {MARK}")
    assert not wrong, "\n".join(wrong)


# --- The API -------------------------------------------------------------------------------

API_ROUTES: dict[str, Route] = {
    "units_list": OPEN,
    "units_detail": Route(kwargs=lambda w: {"id": w.cast.cell1.pk}, obj=lambda w: w.cast.cell1),
    "me": OPEN,
    "documents_list": OPEN,
    "documents_stats": OPEN,
    "documents_detail": on("document", kw="id"),
    "documents_next_number": OPEN,
    # Registering is changing the registering unit's register (here Phường 1's).
    "documents_create": Route(
        obj=lambda w: w.cast.ward1, action=Action.CHANGE, method="POST",
        body=lambda w: {
            "number": "41", "type": "NQ", "issuer_id": w.cast.ward1.pk, "date": "2024-05-02",
            "title": f"Nghị quyết {MARK} qua API", "issuer_abbr": "ĐU",
        },
    ),
    "citations_parse": OPEN_POST,
    "search": OPEN,
    "meetings_list": OPEN,
    "meetings_detail": on("meeting", kw="id"),
    "meetings_roll_call": on(
        "meeting", Action.CHANGE, "POST", kw="id",
        body=lambda w: {"entries": [{"person_id": w.person.pk, "status": "present"}]},
    ),
    "meetings_score": on(
        "meeting", Action.SCORE_SELF, "POST", kw="id", body=lambda w: {"rater": "self", "points": {w.criterion.code: 1}}
    ),
    "tasks_list": OPEN,
    "tasks_create": OPEN_POST,
    "tasks_detail": on("task", kw="id"),
    "tasks_update": on("task", Action.CHANGE, "PATCH", kw="id"),
    "tasks_subtask_create": on(
        "task", Action.CASCADE, "POST", kw="id",
        body=lambda w: {"title": f"Việc con {MARK}", "deadline": "2026-12-01", "unit_id": w.cast.cell1.pk},
    ),
    "tasks_reports": on("task", kw="id"),
    "tasks_report_create": on("task", Action.CONTRIBUTE, "POST", kw="id", body=lambda w: {"percent": 10}),
    "themes_list": OPEN,
    "themes_detail": on("theme", kw="id"),
    "commitments_list": OPEN,
    "commitments_detail": on("commitment", kw="id"),
    "indicators_list": OPEN,
    "documents_task_proposals": on("document", method="POST", kw="id"),
    "indicators_detail": on("indicator", kw="id"),
    # The unit whose figure is entered rules the write (the indicator is read by every unit under
    # and above its own): the outsider sees neither, the member sees the cell without contributing.
    "indicators_actual_create": Route(
        kwargs=lambda w: {"id": w.indicator.pk}, obj=lambda w: w.cast.cell1, action=Action.CONTRIBUTE,
        method="POST", body=lambda w: {"unit_id": w.cast.cell1.pk, "year": 2021, "value": "1"},
    ),
    "cases_list": OPEN,
    "cases_create": OPEN_POST,
    "cases_detail": on("case", kw="id"),
    "cases_acknowledge": on("case", Action.CHANGE, "POST", kw="id", body=lambda w: {"outcome": "accepted"}),
    "cases_answer": on("case", Action.CHANGE, "POST", kw="id", body=lambda w: {"answer": f"Trả lời {MARK}"}),
    "candidates_list": OPEN,
    "candidates_detail": on("candidate", kw="id"),
    "members_list": OPEN,
    "members_detail": on("person", kw="id"),
    "cadres_list": OPEN,
    "cadres_detail": on("profile", kw="id"),
    "cases_merge": on("case", Action.CHANGE, "POST", kw="id", body=lambda w: {"into_id": w.case.pk}),
    "ratings_list": OPEN,
    "ratings_save": Route(
        obj=lambda w: w.rating, action=Action.CHANGE, method="POST",
        body=lambda w: {"person_id": w.person.pk, "period": 2025, "level": "cell"},
    ),
    "reports_term_review": Route(obj=lambda w: w.cast.ward1, query=lambda w: f"?unit={w.cast.ward1.pk}&term=2020-2025"),
    "reports_term_review_docx": Route(obj=lambda w: w.cast.ward1, query=lambda w: f"?unit={w.cast.ward1.pk}&term=2020-2025"),
    "reports_term_review_pdf": Route(obj=lambda w: w.cast.ward1, query=lambda w: f"?unit={w.cast.ward1.pk}&term=2020-2025"),
    "reports_periodic_list": OPEN,
}

#: API operations without authentication, each with the reason and where it is tested.
API_PUBLIC: dict[str, str] = {
    "public_case": "a petitioner follows a case by its code: public fields only (citizens/tests/test_api.py)",
}


def api_operations(client: Client) -> dict[str, tuple[str, str]]:
    spec = client.get("/api/v1/openapi.json").json()
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }


def test_every_api_operation_says_how_it_is_guarded(db):
    operations = api_operations(Client())
    assert not sorted(set(operations) - set(API_ROUTES) - set(API_PUBLIC)), "add the new operations to API_ROUTES"
    assert not sorted((set(API_ROUTES) | set(API_PUBLIC)) - set(operations)), "these operations no longer exist"


def test_every_api_operation_answers_what_the_policy_says(cast):
    world = build_world(cast)
    operations = api_operations(Client())
    wrong: list[str] = []
    tokens = {who: ApiToken.issue(user=getattr(cast, who), name="doors")[1] for who in CAST}
    for op_id, route in API_ROUTES.items():
        method, path = operations[op_id]
        url = path.format(**route.kwargs(world)) + route.query(world)
        body = json.dumps(route.body(world)) if method in ("POST", "PATCH") else None
        anonymous = Client().generic(method, url, body or "", content_type="application/json")
        if anonymous.status_code != 401:
            wrong.append(f"{op_id} anonymous: {anonymous.status_code}")
        for who in CAST:
            user = getattr(cast, who)
            policy.forget(user)
            allowed = expected(user, route, world)
            allowed_post = {200, 201, 400, 409, 422}
            response = Client().generic(
                method, url, body or "", content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[who]}",
            )
            status = response.status_code
            writes = allowed is None and method in ("POST", "PATCH")
            ok = status in allowed_post if writes else _status_ok(status, allowed, route)
            if not ok:
                wrong.append(f"{op_id} as {who}: {status}, the policy says {allowed or 'allowed'}")
            elif status >= 400 and set(response.json()) != {"error", "fields"}:
                wrong.append(f"{op_id} as {who}: {status} not in the one error shape")
            if who == "outsider" and status == 200 and MARK in response.content.decode():
                wrong.append(f"{op_id} as outsider shows {MARK}")
    assert not wrong, "\n".join(wrong)
