"""No internals on screen: no audit action codes, unit codes, field slugs or ISO dates in
the history pages, and the labels read as what they are (minutes of time, a button that
starts work, a task's source)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse

from dangbo.conftest import START
from dangbo.documents import services as documents
from dangbo.documents.models import DocumentType, Field
from dangbo.meetings import services as meetings
from dangbo.meetings.models import MeetingKind
from dangbo.orgs import services as orgs

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r">[^<]*\b\d{4}-\d{2}-\d{2}\b")


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_unit_history_reads_as_words(cast, client):
    orgs.term_create(actor=None, unit=cast.ward1, code="2020-2025", start=START)
    orgs.unit_update(actor=None, unit=cast.ward1, name="Đảng bộ Phường Một", short_name="Phường Một")
    html = page(client, cast.ward_secretary, reverse("orgs:unit_history", args=[cast.ward1.pk]))
    for internal in ("term.create", "unit.update", "t-phuong1", "<code>"):
        assert internal not in html, internal
    assert START.strftime("%d/%m/%Y") in html
    assert not ISO_DATE.search(html)
    assert "<div>: " not in html, html[html.index("<div>: ") - 300:][:400]  # every change has its label


def test_a_document_history_names_its_fields_not_their_slugs(cast, client):
    field, _new = Field.objects.get_or_create(code="xay-dung-dang", defaults={"name": "Xây dựng Đảng"})
    document = documents.document_register(
        actor=None, unit=cast.ward1, type=DocumentType.objects.get(abbr="NQ"), number="07",
        date=dt.date(2024, 3, 1), title="Nghị quyết về xây dựng chi bộ", issuer_abbr="ĐU",
        issuing_unit=cast.ward1, fields=[field],
    )
    html = page(client, cast.ward_secretary, document.get_absolute_url())
    assert field.name in html and "xay-dung-dang" not in html


def test_a_meeting_lasts_minutes_of_time(cast, client):
    meeting = meetings.meeting_create(actor=None, unit=cast.cell1, kind=MeetingKind.THEMATIC, date=dt.date(2026, 3, 2))
    meetings.meeting_record(actor=None, meeting=meeting, duration_minutes=120, minutes="Biên bản")
    html = page(client, cast.cell_secretary, reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "120 phút" in html and "120 biên bản" not in html


def test_the_button_that_starts_work_says_so_and_a_task_from_a_document_names_it(cast, client):
    from dangbo.assignments import services as tasks

    document = documents.document_register(
        actor=None, unit=cast.city, type=DocumentType.objects.get(abbr="KH"), number="215",
        date=dt.date(2024, 3, 1), title="Kế hoạch", issuer_abbr="TU", issuing_unit=cast.city,
    )
    task = tasks.task_assign(
        actor=None, title="Triển khai kế hoạch", unit=cast.cell1, assigning_unit=cast.ward1,
        start=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31), document=document,
    )
    html = page(client, cast.cell_secretary, task.get_absolute_url())
    assert "Không có ·" not in html
    assert "215-KH/TU" in html
    assert ">Ngày bắt đầu</button>" not in html
    assert "Bắt đầu thực hiện" in html


# --- The walker: every page the cast opens, read as text ------------------------------------


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def _choice_values() -> set[str]:
    """Raw values of the models' choices that are English words a user should never read
    (``held``, ``in_progress``), not the codes people write themselves (``NQ``)."""
    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("dangbo."):
            continue
        for f in model._meta.get_fields():
            for value, label in getattr(f, "choices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{3,}", value) and value != str(label):
                    values.add(value)
    return values


def leaks(text: str, *, codes: set[str], actions: set[str], choices: set[str]) -> list[str]:
    found = []
    for line in text.splitlines():
        words = set(re.findall(r"[\w.\-]+", line))
        if m := re.search(r"\b\d{4}-\d{2}-\d{2}\b", line):
            found.append(f"ISO date {m.group()!r}")
        if re.search(r"\bNone\b", line):
            found.append("None")
        found += [f"unit code {w!r}" for w in words & codes]
        found += [f"action code {w!r}" for w in words & actions]
        found += [f"raw value {w!r}" for w in set(re.findall(r"\b[a-z_]+\b", line)) & choices]
        # (an API token's shown prefix, "dgb_…", is how its owner tells tokens apart)
        found += [f"field name {w!r}" for w in re.findall(r"\b[a-z]+_[a-z_]+\b", line) if not w.startswith("dgb_")]
    return found


def test_no_page_the_cast_opens_shows_internals(cast):
    """Issue 11 item 9: every page the clerk, a ward secretary, a cell secretary and a member
    open is read as text and refused if it shows an id-like code, an audit action code, a raw
    choice value, a field name, "None" or an ISO date."""
    from django.test import Client

    from dangbo.core.models import AuditEntry
    from dangbo.orgs.models import Unit
    from dangbo.tests.test_doors import ROUTES, build_world

    world = build_world(cast)
    codes = set(Unit.objects.values_list("code", flat=True))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    # An account's name is what its owner typed, not an internal ("member" is also a rating's
    # capacity, a choice value).
    from django.contrib.auth import get_user_model

    choices = _choice_values() - set(get_user_model().objects.values_list("username", flat=True))
    wrong: list[str] = []
    urls = [reverse(name, kwargs=route.kwargs(world)) for name, route in ROUTES.items() if route.method == "GET"]
    # Pages that show more with a query: the results of a search.
    urls += [reverse("orgs:unit_list") + "?q=Khu", reverse("core:search") + "?q=chi+bo",
             reverse("documents:document_list") + "?q=Nghi"]
    for url in urls:
        name = url
        for who in ("clerk", "ward_secretary", "cell_secretary", "member"):
            client = Client()
            client.force_login(getattr(cast, who))
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            text = visible_text(response.content.decode())
            for line in text.splitlines():
                for leak in leaks(line, codes=codes, actions=actions, choices=choices):
                    wrong.append(f"{name} as {who}: {leak} in {line[:100]!r}")
    assert not wrong, "\n".join(sorted(set(wrong)))
