"""``dangbo.core.audit.history``: an object's audit entries as display rows, in one query,
and the shared partial ``includes/history.html`` that shows them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from dangbo.core.audit import ACTION_LABELS, audit_record, history, history_rows
from dangbo.core.models import AuditEntry
from dangbo.orgs import services

pytestmark = pytest.mark.django_db

NOON_UTC = dt.datetime(2026, 3, 5, 5, 7, tzinfo=dt.UTC)  # 12:07 in Hà Nội (UTC+7)


@pytest.fixture(autouse=True)
def _english_at_dawn():
    """English labels; the cast is made on 05/03/2026 at 08:00 in Hà Nội, before the changes."""
    with translation.override("en"), time_machine.travel(NOON_UTC - dt.timedelta(hours=4), tick=False):
        yield


def rename(unit, actor, name, reason=""):
    return services.unit_update(actor=actor, unit=unit, name=name, reason=reason)


def test_rows_say_when_who_what_and_which_fields_changed(cast):
    with time_machine.travel(NOON_UTC, tick=False):
        rename(cast.cell1, cast.clerk, "Chi bộ Khu phố 1A", reason="Theo Nghị quyết 12")
    row = history(cast.cell1).rows[0]
    assert row.when == NOON_UTC
    assert row.who == "Nguyễn Thị Vân" and not row.by_system
    assert row.action == "unit.update" and row.label == "Unit changed"
    assert row.reason == "Theo Nghị quyết 12"
    name = next(c for c in row.changes if c.old == "Chi bộ Khu phố 1")
    assert name.new == "Chi bộ Khu phố 1A"
    assert name.label == "Name"  # the field's verbose name, not "name"
    # Only what changed is listed.
    assert all(c.old != c.new for c in row.changes)


def test_newest_first_and_the_system_when_nobody_acted(cast):
    with time_machine.travel(NOON_UTC, tick=False):
        rename(cast.cell1, None, "Chi bộ Khu phố 1A")
    with time_machine.travel(NOON_UTC + dt.timedelta(hours=1), tick=False):
        rename(cast.cell1, cast.ward_secretary, "Chi bộ Khu phố 1B")
    rows = history(cast.cell1).rows
    assert [r.who for r in rows[:2]] == ["Trần Văn Phú", "System"]
    assert rows[1].by_system
    assert rows[-1].action == "unit.create"  # the oldest, from the cast


def test_an_account_without_a_person_shows_its_username(cast):
    admin = get_user_model().objects.create_superuser(username="quantri", password="x")
    rename(cast.cell1, admin, "Chi bộ Khu phố 1A")
    assert history(cast.cell1).rows[0].who == "quantri"


def test_an_unknown_action_shows_its_code_and_a_creation_shows_values_only(cast):
    audit_record(actor=None, action="unit.renumber", obj=cast.cell1, after={"name": "X", "code": "", "extra": 3})
    row = history(cast.cell1).rows[0]
    assert row.label == "unit.renumber" and "unit.renumber" not in ACTION_LABELS
    # No "before": each value is new; empty values are left out; unknown keys keep their name, capitalised.
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Name", None, "X"), ("Extra", None, "3")]


def test_values_are_shown_as_people_read_them(cast):
    audit_record(
        actor=None, action="task.report", obj=cast.cell1,
        before={"percent": 20, "active": True, "day": "2026-03-01", "at": "2026-03-05T05:07:00+00:00"},
        after={"percent": 40, "active": False, "day": "2026-03-02", "at": None, "text": "x" * 500},
    )
    changes = {c.label: (c.old, c.new) for c in history(cast.cell1).rows[0].changes}
    assert changes["Progress"] == ("20%", "40%")
    assert changes["Active"] == ("Yes", "No")
    assert changes["Day"] == ("01/03/2026", "02/03/2026")
    assert changes["At"] == ("05/03/2026 12:07", "")  # local time, Asia/Ho_Chi_Minh
    assert changes["Report"][0] == "" and len(changes["Report"][1]) == 200  # shortened


def test_numbers_use_the_language_s_decimal_separator(cast):
    audit_record(actor=None, action="meeting.score", obj=cast.cell1, before={"total": "90.0"}, after={"total": "92.5"})
    with translation.override("vi"):
        [total] = history(cast.cell1).rows[0].changes
    assert (total.old, total.new) == ("90,0", "92,5")


def test_labels_and_values_given_by_the_page(cast):
    audit_record(actor=None, action="meeting.roll_call", obj=cast.cell1,
                 before={"17": ""}, after={"17": "excused (Đi công tác)"})
    rows = history(cast.cell1, labels={"17": "Lê Thị Hằng"}, values={"excused": "Excused absence"}).rows
    assert [(c.label, c.new) for c in rows[0].changes] == [("Lê Thị Hằng", "Excused absence (Đi công tác)")]


def test_entries_about_parts_of_the_object_are_included_with_their_subject(cast):
    from dangbo.orgs.models import Unit

    rename(cast.cell1, None, "Chi bộ Khu phố 1A")
    rows = history(cast.ward1, include=[Unit.objects.filter(pk=cast.cell1.pk)]).rows
    part = next(r for r in rows if r.action == "unit.update")
    assert part.subject == "Chi bộ Khu phố 1A"
    assert all(r.subject == "" for r in history(cast.ward1).rows)  # the ward's own entries


def test_one_query_whatever_the_number_of_entries(cast, django_assert_num_queries):
    people = [cast.clerk, cast.ward_secretary, cast.cell_secretary, cast.member, None]
    history(cast.cell1)  # content types cached
    rename(cast.cell1, cast.clerk, "Tên 0")
    with django_assert_num_queries(1):
        rows = history(cast.cell1).rows
        [r.who for r in rows]
    for n in range(1, 40):
        actor = people[n % len(people)]
        if actor is cast.member:  # a member may not rename the cell: an entry about something else
            audit_record(actor=actor, action="unit.update", obj=cast.cell1, after={"name": f"Tên {n}"})
        else:
            rename(cast.cell1, actor, f"Tên {n}")
    with django_assert_num_queries(1):
        rows = history(cast.cell1).rows
    assert {r.who for r in rows} >= {"Nguyễn Thị Vân", "Trần Văn Phú", "Hoàng Văn Minh", "System"}


def test_a_long_history_stops_at_the_limit(cast):
    for n in range(6):
        rename(cast.cell1, None, f"Tên {n}")
    result = history(cast.cell1, limit=4)
    assert len(result) == 4 and result.truncated
    assert not history(cast.cell1).truncated


def test_rows_of_any_entries(cast):
    rename(cast.cell1, cast.clerk, "Chi bộ Khu phố 1A")
    entries = AuditEntry.objects.filter(action="unit.update").select_related("actor__person")
    assert [r.label for r in history_rows(entries)] == ["Unit changed"]
    assert history_rows(entries)[0].subject == "Chi bộ Khu phố 1A"  # no ``about``: say what


# --- The partial -------------------------------------------------------------------------------


def render(obj):
    return render_to_string("includes/history.html", {"history": history(obj)})


def test_the_partial_shows_the_rows(cast):
    with time_machine.travel(NOON_UTC, tick=False):
        rename(cast.cell1, cast.clerk, "Chi bộ Khu phố 1A", reason="Theo Nghị quyết 12")
    html = render(cast.cell1)
    assert "05/03/2026 12:07" in html
    assert "Nguyễn Thị Vân" in html and "Unit changed" in html
    assert "<del>Chi bộ Khu phố 1</del> → <ins>Chi bộ Khu phố 1A</ins>" in html
    assert "Theo Nghị quyết 12" in html
    assert "<details" not in html  # few entries: nothing folded


def test_the_partial_folds_older_rows_under_show_all(cast):
    for n in range(14):
        rename(cast.cell1, None, f"Tên {n}")
    html = render(cast.cell1)
    shown, folded = html.split("<details", 1)
    assert shown.count("<li") == 10
    assert folded.count("<li") == 5  # 4 more renames and the creation
    assert "Show all (15)" in folded


def test_the_partial_says_when_nothing_was_recorded(cast):
    AuditEntry.objects.all().delete()
    assert "No change has been recorded yet." in render(cast.cell1)


# --- Labels the apps register ------------------------------------------------------------------


def test_a_move_names_the_parent_unit_in_both_languages(cast):
    services.unit_move(actor=cast.clerk, unit=cast.cell1, new_parent=cast.ward_dl)
    [change] = history(cast.cell1).rows[0].changes
    assert (change.label, change.old, change.new) == ("Parent unit", "Đảng bộ Phường 1", cast.ward_dl.name)
    with translation.override("vi"):
        [change] = history(cast.cell1).rows[0].changes
    assert change.label == "Đơn vị cấp trên"


def test_each_app_registers_the_labels_of_its_own_actions():
    from django.apps import apps

    for label, prefixes in {
        "orgs": ("unit.", "term.", "position.", "membership.", "grant.", "person."),
        "documents": ("document.", "study."),
        "assignments": ("task.", "inspection"),
        "meetings": ("meeting.", "criteria", "criterion.", "leader.", "working_group."),
    }.items():
        module = __import__(apps.get_app_config(label).module.__name__ + ".apps", fromlist=["AUDIT_ACTIONS"])
        own = module.AUDIT_ACTIONS
        assert own and all(action.startswith(prefixes) for action in own), label
        assert all(ACTION_LABELS[action] == text for action, text in own.items()), label


def test_register_labels_adds_actions_keys_and_percentages(cast, monkeypatch):
    from dangbo.core import audit

    monkeypatch.setattr(audit, "ACTION_LABELS", {})
    monkeypatch.setattr(audit, "FIELD_LABELS", {})
    monkeypatch.setattr(audit, "PERCENT_KEYS", set())
    audit_record(actor=None, action="unit.rate", obj=cast.cell1, before={"share": 10}, after={"share": 30})
    row = history(cast.cell1).rows[0]
    assert (row.label, row.changes[0].label, row.changes[0].new) == ("unit.rate", "Share", "30")
    audit.register_labels(actions={"unit.rate": "Unit rated"}, fields={"share": "Share of members"},
                          percent_keys=["share"])
    row = history(cast.cell1).rows[0]
    assert (row.label, row.changes[0].label, row.changes[0].new) == ("Unit rated", "Share of members", "30%")


def test_a_move_names_the_parent_unit_in_vietnamese(cast):
    """``unit.move`` keeps the parent by name; its label is "Đơn vị cấp trên", not "Parent"."""
    services.unit_move(actor=cast.clerk, unit=cast.cell1, new_parent=cast.ward_dl)
    with translation.override("vi"):
        row = history(cast.cell1).rows[0]
    assert row.action == "unit.move"
    assert [(c.label, c.old, c.new) for c in row.changes] == [
        ("Đơn vị cấp trên", "Đảng bộ Phường 1", "Đảng bộ phường Đông Lương")
    ]


def test_a_key_that_repeats_another_folds_into_it(cast, monkeypatch):
    """A value kept twice (a relation and its stored code) shows once: by the key it folds
    into when that one changed, else by itself."""
    from dangbo.core import audit

    monkeypatch.setattr(audit, "FOLDED_KEYS", {})
    audit.register_labels(folded={("unit.recode", "short"): "code"})
    audit_record(actor=None, action="unit.recode", obj=cast.cell1, before={"short": "KP1", "code": "kp1"},
                 after={"short": "KP2", "code": "kp2"})
    audit_record(actor=None, action="unit.recode", obj=cast.cell1, before={"short": "KP2", "code": "kp2"},
                 after={"short": "KP3", "code": "kp2"})
    shown = [[(c.old, c.new) for c in row.changes] for row in history(cast.cell1).rows[:2]]
    assert shown == [[("KP2", "KP3")], [("kp1", "kp2")]]
