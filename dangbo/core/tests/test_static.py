"""The front-end assets are vendored and found by Django; no page loads anything from a CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


@pytest.mark.parametrize("path", ["dangbo/css/app.css", "dangbo/js/app.js", "dangbo/vendor/htmx-2.0.11.min.js"])
def test_assets_are_found(path):
    assert finders.find(path)


@pytest.mark.django_db
def test_pages_reference_only_local_assets(cast, login):
    client = login(cast.clerk)
    for url in (reverse("core:home"), reverse("orgs:unit_list"), reverse("orgs:unit_detail", args=[cast.city.pk])):
        html = client.get(url).content.decode()
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert src.startswith("/static/"), src
