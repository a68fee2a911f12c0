"""Each request reads the account and its person in one query (``orgs.auth.AccountBackend``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

PASSWORD = "Mật-khẩu-đủ-dài-2026"


def _person_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "orgs_person"' in q["sql"] and "auth_user" not in q["sql"]]


def test_a_page_names_the_person_read_with_the_account(cast, client):
    """Logged in through the real form (the backend the session keeps is the account backend),
    the page names the person and no query reads the person on its own."""
    user = cast.ward_secretary
    user.set_password(PASSWORD)
    user.save()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Trần Văn Phú" in page.content.decode()
    assert _person_reads(captured.captured_queries) == []
    joined = [q["sql"] for q in captured.captured_queries if 'FROM "auth_user"' in q["sql"]]
    assert len(joined) == 1 and '"orgs_person"' in joined[0]


def test_an_account_linked_to_nobody_still_works(db, client):
    """An account with no person: its name is its username, and the policy sees nobody."""
    user = get_user_model().objects.create_user("khach", password=PASSWORD)
    assert client.post(reverse("login"), {"username": "khach", "password": PASSWORD}).status_code == 302
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("password_change"))
    assert page.status_code == 200 and user.username in page.content.decode()
    assert _person_reads(captured.captured_queries) == []


def test_an_inactive_account_is_logged_out(cast, client):
    user = cast.outsider
    user.set_password(PASSWORD)
    user.save()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    user.is_active = False
    user.save()
    page = client.get(reverse("password_change"))
    assert page.status_code == 302 and reverse("login") in page["Location"]
