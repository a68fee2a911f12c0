"""Helpers shared by the tasks tests: a document and a task factory over the shared cast."""

from __future__ import annotations

import datetime as dt

import pytest

from dangbo.assignments import services
from dangbo.documents import services as document_services
from dangbo.documents.models import DocumentType

D = dt.date


@pytest.fixture
def make_document(cast):
    def _make(number="05", abbr="CT", unit=None, title="Về tiếp tục đẩy mạnh học tập và làm theo", issuer_abbr="TU", date=None):
        kind = DocumentType.objects.get(abbr=abbr)
        return document_services.document_register(
            actor=None, unit=unit or cast.city, type=kind, number=number, date=date or D(2021, 3, 1), title=title,
            issuer_abbr=issuer_abbr, issuing_unit=unit or cast.city,
        )

    return _make


@pytest.fixture
def make_task(cast):
    def _make(unit=None, assigning_unit=None, start=None, deadline=None, title="Rà soát, kiện toàn chi bộ", **kw):
        return services.task_assign(
            actor=None, title=title, unit=unit or cast.ward1, assigning_unit=assigning_unit or cast.city,
            start=start or D(2026, 1, 1), deadline=deadline or D(2026, 12, 31), **kw,
        )

    return _make
