"""The demo documents: a chain from the Politburo's directive down to the nine wards."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.documents import demo
from dangbo.documents.models import Document, DocumentCitation, DocumentRelation, StudySession
from dangbo.documents.selectors import document_lineage, term_stats
from dangbo.orgs import services as org_services
from dangbo.orgs.demo import dongha
from dangbo.orgs.models import UnitKind

from .helpers import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def dongha_units():
    kinds = {k.code: k for k in UnitKind.objects.all()}
    city = org_services.unit_create(
        actor=None, parent=None, kind=kinds["dang-bo-huyen"], name=dongha.CITY[1], code=dongha.CITY[0]
    )
    for (code, start), following in zip(dongha.CITY_TERMS, [*dongha.CITY_TERMS[1:], None], strict=True):
        end = following[1] - dt.timedelta(days=1) if following else None
        org_services.term_create(actor=None, unit=city, code=code, start=start, end=end)
    for code, name, _short in dongha.WARDS:
        org_services.unit_create(
            actor=None, parent=city, kind=kinds["dang-bo-xa"], name=name, code=f"{dongha.CITY[0]}-{code}"
        )
    return city


ROOT = type("Root", (), {"is_superuser": True, "is_active": True, "is_authenticated": True})()
SEED_SENTENCE = ("Nhiệm kỳ 2015 - 2020, BCH Đảng bộ thành phố đã ban hành 2 nghị quyết, 11 chỉ thị, 7 chương "
                 "trình hành động, 11 kết luận chuyên đề, 132 kế hoạch, 8 quy chế")


def test_demo_loads_once_and_links_the_chain(dongha_units):
    today = D(2025, 1, 1)
    added = demo.load(today=today)
    documents = len(demo.CENTRAL) + sum(demo.TERM_COUNTS.values()) + len(dongha.WARDS)
    assert added == documents + len(demo.STUDY)
    assert demo.load(today=today) == 0
    assert Document.objects.count() == documents
    directive = Document.objects.get(symbol="05-CT/TW")
    lineage = document_lineage(user=ROOT, document=directive)
    plan = next(node for node in lineage["down"] if node.document.symbol == "18-KH/TU")
    assert len(plan.children) == len(dongha.WARDS)
    assert DocumentRelation.objects.filter(kind="implements").count() >= len(dongha.WARDS) + 4
    assert Document.objects.get(symbol="202-QĐ/TW").type.name == "Quy định"
    assert Document.objects.get(symbol="18-KH/TU").term_code == "2015-2020"
    # the ward plans cite the city plan and the citation resolves to it
    assert DocumentCitation.objects.filter(number="18", type_abbr="KH", target__symbol="18-KH/TU").count() == len(dongha.WARDS)  # once, though in title and summary
    # a citation without a number finds the plenum's resolution by its conference and term
    cited = DocumentCitation.objects.get(document__symbol="24-KH/TU", raw="Nghị quyết Trung ương 4 khóa XII")
    assert cited.target == Document.objects.get(symbol="04-NQ/TW")


def test_demo_waits_for_the_city(db):
    assert demo.load(today=D(2020, 7, 2)) == 0


def test_demo_term_matches_the_review(dongha_units):
    demo.load(today=D(2025, 1, 1))
    stats = term_stats(user=ROOT, term="2015-2020", issuer=dongha_units)
    assert {c.type.abbr: c.count for c in stats.counts} == demo.TERM_COUNTS
    # The review's sentence, with the unit's full name after "BCH".
    assert stats.sentence == SEED_SENTENCE.replace("thành phố", "thành phố Đông Hà", 1) + "."
    assert stats.sentence.split(" đã ")[1].rstrip(".") == SEED_SENTENCE.split(" đã ")[1]
    term = Document.objects.filter(issuing_unit=dongha_units, term_code="2015-2020")
    assert not term.filter(date__lt=D(2015, 7, 28)).exists() and not term.filter(date__gt=D(2020, 7, 15)).exists()
    # numbers restart at 01 per type and follow the dates (687-KH/TU is the article's own number)
    for abbr in demo.TERM_COUNTS:
        rows = list(term.filter(type_abbr=abbr).exclude(number="687").order_by("date", "pk").values_list("number", flat=True))
        assert sorted(int(n) for n in rows) == list(range(1, len(rows) + 1)), abbr
        assert [int(n) for n in rows] == sorted(int(n) for n in rows), abbr
    # the named central documents are the bases of city documents
    for symbol in ("202-QĐ/TW", "05-CT/TW", "04-NQ/TW", "18-NQ/TW", "19-NQ/TW", "687-KH/TU"):
        target = Document.objects.get(symbol=symbol)
        assert DocumentRelation.objects.filter(to_document=target, kind="implements", from_document__unit=dongha_units).exists(), symbol
    # the titles the tasks demo finds documents by stay unambiguous
    titles = [t[:40] for t in Document.objects.filter(unit=dongha_units).values_list("title", flat=True)]
    for prefix in demo.PROTECTED_PREFIXES:
        assert sum(1 for t in titles if t.startswith(prefix[:40])) == 1, prefix


def test_demo_study_sessions(dongha_units):
    demo.load(today=D(2025, 1, 1))
    assert StudySession.objects.count() == len(demo.STUDY)
    assert StudySession.objects.filter(documents__symbol="18-NQ/TW").count() == 2
