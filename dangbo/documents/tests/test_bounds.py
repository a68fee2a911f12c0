"""A document dated before 1930 or numbered "-5" is refused by the service, so by every door."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dangbo.core.models import AuditEntry
from dangbo.documents.models import Document, DocumentType

from .helpers import D, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [D(1929, 12, 31), D(1, 1, 1), D(1900, 6, 1)])
def test_a_date_before_1930_is_refused(cast, day):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(cast.city, date=day)
    assert error.value.message_dict == {"date": ["Enter a date from 01/01/1930 on."]}
    assert not Document.objects.exists() and not AuditEntry.objects.filter(action="document.register").exists()


def test_the_party_founding_year_is_allowed(cast):
    assert register(cast.city, date=D(1930, 2, 3)).year == 1930


@pytest.mark.parametrize("number", ["0", "00"])
def test_a_zero_number_is_refused(cast, number):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(cast.city, number=number)
    assert error.value.message_dict == {"number": ["The number begins with a digit and is not 0, e.g. 05 or 687."]}
    assert not Document.objects.exists()


@pytest.mark.parametrize("number", ["-5", "-05", "abc", "-"])
def test_a_negative_or_wordy_party_number_is_refused_as_digits_only(cast, number):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(cast.city, number=number)
    assert list(error.value.message_dict) == ["number"]
    assert error.value.message_dict["number"][0].startswith("A party document's number is digits only")
    assert not Document.objects.exists()


def test_correcting_a_document_to_a_bad_date_or_number_is_refused(cast):
    from dangbo.documents import services

    doc = register(cast.city, number="05")
    fields = {"type": doc.type, "title": doc.title, "issuing_unit": doc.issuing_unit, "issuer_abbr": doc.issuer_abbr}
    with pytest.raises(ValidationError) as error:
        services.document_update(actor=None, document=doc, number="-5", date=D(1929, 1, 1), **fields)
    assert set(error.value.message_dict) == {"number", "date"}
    doc.refresh_from_db()
    assert (doc.number, doc.year) == ("05", doc.date.year)


def test_the_form_shows_the_refusal_next_to_the_fields(cast, login):
    data = {
        "unit": cast.ward1.pk, "type": DocumentType.objects.get(abbr="NQ").pk, "number": "-2",
        "issuing_unit": cast.ward1.pk, "issuer_abbr": "ĐU", "date": "1929-06-01",
        "title": "Nghị quyết về phát triển đảng viên", "status": "in_force",
    }
    response = login(cast.ward_secretary).post(reverse("documents:document_create"), data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200 and not Document.objects.exists()
    with translation.override("vi"):
        date_message = str(translation.gettext("Enter a date from 01/01/1930 on."))
        number_message = str(translation.gettext("A party document's number is digits only, e.g. 05 or 687 (the number of %(symbol)s). A number such as 30/2020 is how state documents are numbered (30/2020/NĐ-CP): choose a state document type for those.") % {"symbol": "05-NQ/ĐU"})
    form = response.context["form"]
    assert form.errors["date"] == [date_message] and form.errors["number"] == [number_message]


def test_an_outsider_cannot_register_in_another_ward(cast, login):
    data = {"unit": cast.ward1.pk, "type": DocumentType.objects.get(abbr="NQ").pk, "number": "2",
            "issuing_unit": cast.ward1.pk, "issuer_abbr": "ĐU", "date": "2020-06-01", "title": "x", "status": "in_force"}
    response = login(cast.outsider).post(reverse("documents:document_create"), data)
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Document.objects.exists()
