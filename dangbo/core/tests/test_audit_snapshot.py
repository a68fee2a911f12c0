"""Every field type the models use goes into an audit snapshot and comes back out again."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

from dangbo.core.audit import _display, _jsonable, snapshot

#: A value of each field type; a model that adds a new type must add it here.
SAMPLES: dict[str, object] = {
    "AutoField": 7,
    "BigAutoField": 7,
    "SmallAutoField": 7,
    "IntegerField": -3,
    "BigIntegerField": 2**40,
    "SmallIntegerField": -3,
    "PositiveIntegerField": 3,
    "PositiveBigIntegerField": 2**40,
    "PositiveSmallIntegerField": 3,
    "FloatField": 1.25,
    "DecimalField": Decimal("92.5"),
    "BooleanField": True,
    "CharField": "Chi bộ Khu phố 1",
    "TextField": "Nội dung\nhai dòng",
    "SlugField": "khu-pho-1",
    "EmailField": "a@example.com",
    "URLField": "https://example.com/",
    "GenericIPAddressField": "127.0.0.1",
    "DateField": dt.date(2025, 3, 3),
    "DateTimeField": dt.datetime(2025, 3, 3, 19, 30, tzinfo=dt.UTC),
    "TimeField": dt.time(19, 30),
    "DurationField": dt.timedelta(hours=1, minutes=40, seconds=5),
    "UUIDField": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "JSONField": {"counts": [1, 2], "note": "đủ", "nested": {"a": None}},
    "FileField": "van-ban/2025/03/nghi-quyet.pdf",
    "ImageField": "anh/2025/03/a.png",
}


def _concrete_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            yield pytest.param(model, field, id=f"{model._meta.label}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(_concrete_fields()))
def test_every_concrete_field_serialises_and_reads_back(model, field):
    """The snapshot of each field is plain JSON that the field reads back as the same value."""
    obj = model()
    if field.is_relation:
        value = None
        setattr(obj, field.attname, None)
    else:
        kind = type(field).__name__
        assert kind in SAMPLES or field.get_internal_type() in SAMPLES, f"no sample value for {kind}"
        value = SAMPLES.get(kind, SAMPLES.get(field.get_internal_type()))
        setattr(obj, field.attname, value)
    data = snapshot(obj, [field.name])
    stored = json.loads(json.dumps(data))  # what the JSON column gives back
    if isinstance(field, models.FileField):
        assert stored[field.name] == value
    elif value is None:
        assert stored[field.name] is None
    else:
        assert field.to_python(stored[field.name]) == value


def test_snapshot_of_values_that_are_not_fields():
    """Values a service puts in ``after`` by hand (sets, lazy text, nested) are JSON too."""
    with translation.override("en"):  # lazy text is stored in the language of the request
        value = _jsonable({"ids": {3, 1, 2}, "label": gettext_lazy("Grade"), "when": [dt.time(8, 0)],
                           "size": Decimal("1.0"), "raw": b"\x00\x01"})
    assert json.loads(json.dumps(value)) == {
        "ids": [1, 2, 3], "label": "Grade", "when": ["08:00:00"], "size": "1.0", "raw": "2 B",
    }


def test_times_and_durations_read_plainly_in_the_history():
    assert _display("19:30:00", key="start_time", model_field=None, values={}) == "19:30"
    assert _display("P0DT01H40M05S", key="x", model_field=None, values={}) == "1:40:05"
