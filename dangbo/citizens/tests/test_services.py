import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from dangbo.assignments.models import Task
from dangbo.citizens import services
from dangbo.citizens.models import Case, Petitioner
from dangbo.core.models import AuditEntry, DeadlineRule

from .conftest import RECEIVED, make_case

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_case_gets_its_deadlines_in_working_days_from_the_rules(case):
    # Received Friday 24/4/2026: 27/4 (day in lieu), 30/4 and 1/5 are off.
    assert case.acknowledge_by == D(2026, 5, 13)
    assert case.state == Case.State.RECEIVED
    assert case.answer_by > case.acknowledge_by
    assert case.petitioners.count() == 1


def test_a_new_rule_version_changes_the_deadline_of_cases_received_after_it(cast):
    rule = DeadlineRule.objects.get(code="citizens.acknowledge")
    rule.effective_to = D(2026, 4, 30)
    rule.save()
    DeadlineRule.objects.create(
        code="citizens.acknowledge", name="x", days=5, counting="working", source="Văn bản mới",
        effective_from=D(2026, 5, 1),
    )
    before = make_case(cast.ward1, received_on=D(2026, 4, 24))
    after = make_case(cast.ward1, received_on=D(2026, 5, 4))
    assert before.acknowledge_by == D(2026, 5, 13)
    assert after.acknowledge_by == D(2026, 5, 11)


def test_codes_are_random_letters_not_a_counter(cast):
    codes = {make_case(cast.ward1).code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == 10 and code.isalnum() and not code.isdigit()


def test_a_case_without_content_or_petitioner_saves_nothing(cast):
    with pytest.raises(ValidationError) as error:
        make_case(cast.ward1, content="  ", petitioners=[{"name": "", "address": "", "phone": ""}])
    assert set(error.value.message_dict) == {"content", "petitioners"}
    with pytest.raises(ValidationError) as error:
        make_case(cast.ward1, petitioners=[{"name": "", "address": "Số 3", "phone": ""}])
    assert "petitioners" in error.value.message_dict
    assert not Case.objects.exists() and not Petitioner.objects.exists()


def test_a_case_cannot_be_received_in_the_future(cast):
    with pytest.raises(ValidationError) as error:
        make_case(cast.ward1, received_on=D(2100, 1, 1))
    assert "received_on" in error.value.message_dict


def test_the_path_received_acknowledged_answered_closed(cast, case):
    with translation.override("vi"), pytest.raises(ValidationError, match="xác nhận tiếp nhận"):
        services.case_answer(actor=cast.ward_secretary, case=case, answer="Đã sửa.")
    case = services.case_acknowledge(actor=cast.ward_secretary, case=case, outcome="accepted", on=D(2026, 5, 4))
    assert case.state == Case.State.ACKNOWLEDGED and case.acknowledged_on == D(2026, 5, 4)
    with pytest.raises(ValidationError):
        services.case_close(actor=cast.ward_secretary, case=case)
    with pytest.raises(ValidationError) as error:
        services.case_answer(actor=cast.ward_secretary, case=case, answer="  ")
    assert "answer" in error.value.message_dict
    case = services.case_answer(actor=cast.ward_secretary, case=case, answer="Đã thay bóng đèn.", on=D(2026, 5, 20))
    case = services.case_close(actor=cast.ward_secretary, case=case, on=D(2026, 5, 21))
    assert case.state == Case.State.CLOSED
    actions = list(
        AuditEntry.objects.filter(object_id=case.pk, action__startswith="case.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["case.create", "case.acknowledge", "case.answer", "case.close"]


def test_a_transfer_or_return_needs_its_reason_and_can_then_close(cast, case):
    with pytest.raises(ValidationError) as error:
        services.case_acknowledge(actor=cast.ward_secretary, case=case, outcome="transferred")
    assert "note" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED
    case = services.case_acknowledge(
        actor=cast.ward_secretary, case=case, outcome="transferred", note="UBND phường 1"
    )
    assert services.case_close(actor=cast.ward_secretary, case=case).state == Case.State.CLOSED


def test_dates_before_receipt_are_refused(cast, case):
    with pytest.raises(ValidationError) as error:
        services.case_acknowledge(actor=cast.ward_secretary, case=case, outcome="accepted", on=D(2026, 1, 1))
    assert "on" in error.value.message_dict


def test_who_may_change_a_case(cast, case):
    with pytest.raises(Http404):
        services.case_acknowledge(actor=cast.outsider, case=case, outcome="accepted")
    with pytest.raises(Http404):
        services.case_acknowledge(actor=cast.cell_secretary, case=case, outcome="accepted")
    with pytest.raises(PermissionDenied):
        services.case_acknowledge(actor=cast.member, case=make_case(cast.cell1), outcome="accepted")
    with pytest.raises(Http404):
        services.case_create(
            actor=cast.ward_secretary, unit=cast.ward_dl, kind="phan_anh", channel="letter",
            content="x", received_on=RECEIVED, petitioners=[{"name": "A"}],
        )
    assert services.case_acknowledge(actor=cast.clerk, case=case, outcome="accepted").state == "acknowledged"


def test_overdue_acknowledgements_and_answers(cast, case):
    assert not Case.objects.overdue(D(2026, 5, 13)).exists()
    assert list(Case.objects.late_acknowledgement(D(2026, 5, 14))) == [case]
    assert case.is_overdue(D(2026, 5, 14))
    services.case_acknowledge(actor=None, case=case, outcome="accepted")
    case.refresh_from_db()
    assert not Case.objects.late_acknowledgement(D(2026, 5, 14)).exists()
    assert list(Case.objects.late_answer(case.answer_by + dt.timedelta(days=1))) == [case]


def test_a_case_becomes_a_task_whose_source_is_the_case(cast, case):
    task = services.case_make_task(
        actor=cast.ward_secretary, case=case, title="Sửa đèn đường khu phố 1", deadline=D(2026, 12, 31),
        unit=cast.cell1,
    )
    assert task.source == case and task.source_kind == Task.SourceKind.PETITION
    assert task.assigning_unit == cast.ward1 and task.unit == cast.cell1
    with pytest.raises(ValidationError):
        services.case_make_task(
            actor=cast.clerk, case=case, title="x", deadline=D(2026, 12, 31), unit=cast.ward_dl
        )


def test_the_history_never_holds_the_petitioners(cast, denunciation):
    entry = AuditEntry.objects.get(action="case.create", object_id=denunciation.pk)
    assert "Người Tố Cáo" not in str(entry.after)
    assert entry.after["petitioners"] == 1


def test_a_task_made_from_a_case_answers_and_closes_it_when_done(cast, case):
    from dangbo.assignments import services as tasks

    services.case_acknowledge(actor=None, case=case, outcome="accepted", on=D(2026, 5, 4))
    task = services.case_make_task(
        actor=cast.ward_secretary, case=case, title="Sửa đèn đường", deadline=D(2026, 12, 31),
        unit=cast.cell1, start=D(2026, 5, 4),
    )
    tasks.report_submit(actor=cast.cell_secretary, task=task, percent=100, text="Đã thay 12 bóng đèn.")
    tasks.task_transition(actor=cast.cell_secretary, task=task, to=Task.Status.AWAITING)
    case.refresh_from_db()
    assert case.state == Case.State.ACKNOWLEDGED
    tasks.task_transition(actor=cast.ward_secretary, task=task, to=Task.Status.DONE)
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.answer == "Đã thay 12 bóng đèn."


def test_the_answer_deadline_follows_the_law_of_its_kind_from_the_acceptance(cast):
    """A complaint (Luật Khiếu nại, Điều 28) and a denunciation (Luật Tố cáo, Điều 30): 30 days
    from the acceptance; until then counted from the last day of the acknowledgement."""
    complaint = make_case(cast.ward1, kind=Case.Kind.KHIEU_NAI)
    assert complaint.acknowledge_by == D(2026, 5, 13)
    assert complaint.answer_by == D(2026, 6, 12)
    complaint = services.case_acknowledge(actor=None, case=complaint, outcome="accepted", on=D(2026, 5, 4))
    complaint.refresh_from_db()
    assert complaint.answer_by == D(2026, 6, 3)
    report = make_case(cast.ward1, kind=Case.Kind.PHAN_ANH)  # the committee's own rule: 30 working days
    assert report.answer_by == DeadlineRule.current("citizens.answer", RECEIVED).deadline(report.acknowledge_by)
    returned = make_case(cast.ward1, kind=Case.Kind.TO_CAO)
    before = returned.answer_by
    returned = services.case_acknowledge(actor=None, case=returned, outcome="returned", note="Không đủ căn cứ",
                                         on=D(2026, 5, 4))
    returned.refresh_from_db()
    assert returned.answer_by == before  # nothing to answer: the deadline is left as it was
