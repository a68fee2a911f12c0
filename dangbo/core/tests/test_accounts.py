"""API tokens listed and revoked (page and command), what a password change does, and the
password reset by e-mail."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dangbo.conftest import PASSWORD
from dangbo.core.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Rung-tram-1975-xanh"
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


@pytest.fixture(autouse=True)
def _empty_cache():
    """The reset throttle counts in the cache: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


def last_password_change(user) -> AuditEntry:
    return AuditEntry.objects.filter(action="user.password_change", object_id=user.pk).latest("id")


def logs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def api_status(raw: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


# --- The tokens page -----------------------------------------------------------------------


def test_the_page_lists_my_tokens_only_and_never_their_secret(cast, login):
    mine, raw = ApiToken.issue(user=cast.member, name="báo cáo tuần")
    ApiToken.issue(user=cast.outsider, name="script Đông Lương")
    body = login(cast.member).get(reverse("core:tokens"), **VI).content.decode()
    assert "báo cáo tuần" in body and mine.prefix in body
    assert "script Đông Lương" not in body
    assert raw not in body


def test_creating_a_token_shows_its_secret_once(cast, login):
    client = login(cast.member)
    response = client.post(reverse("core:tokens"), {"name": "Excel"}, **VI)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = re.search(r'value="(dgb_[^"]+)"', response.content.decode()).group(1)
    assert api_status(raw) == 200
    token = ApiToken.objects.get(user=cast.member)
    assert token.name == "Excel" and token.digest == ApiToken.digest_of(raw)
    assert raw not in client.get(reverse("core:tokens")).content.decode()
    assert AuditEntry.objects.filter(action="api_token.create", object_id=token.pk).exists()


def test_the_owner_revokes_a_token(cast, login):
    token, raw = ApiToken.issue(user=cast.member)
    response = login(cast.member).post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("core:tokens")
    assert api_status(raw) == 401
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert (entry.actor, entry.object_id) == (cast.member, token.pk)


@pytest.mark.parametrize("who", ["outsider", "ward_secretary", "clerk"])
def test_someone_elses_token_is_a_404_even_for_an_org_admin(cast, login, who):
    """Grants on the org tree give no power over accounts: only staff do."""
    token, raw = ApiToken.issue(user=cast.member)
    response = login(cast.everyone[who]).post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert api_status(raw) == 200


def test_staff_see_and_revoke_everyones_tokens(cast, login):
    cast.clerk.is_staff = True
    cast.clerk.save(update_fields=["is_staff"])
    token, raw = ApiToken.issue(user=cast.member, name="của đảng viên")
    ApiToken.issue(user=cast.outsider, name="của Đông Lương")
    client = login(cast.clerk)
    body = client.get(reverse("core:tokens"), {"user": "member"}).content.decode()
    assert "của đảng viên" in body and "của Đông Lương" not in body
    assert "của Đông Lương" in client.get(reverse("core:tokens")).content.decode()
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 302
    assert api_status(raw) == 401


def test_revoke_needs_post_and_login(cast, client, login):
    token, _raw = ApiToken.issue(user=cast.member)
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 302  # to login
    assert login(cast.member).get(reverse("core:token_revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.get().revoked_at is None


def test_the_tokens_page_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    cast.clerk.is_staff = True
    cast.clerk.save(update_fields=["is_staff"])
    client = login(cast.clerk)
    ApiToken.issue(user=cast.member)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("core:tokens")).status_code == 200
    for user in cast.everyone.values():
        for n in range(3):
            ApiToken.issue(user=user, name=f"t{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("core:tokens")).status_code == 200


# --- The command ---------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("tokens", *args, stdout=out)
    return out.getvalue()


def test_command_lists_tokens_with_prefix_and_dates_never_the_secret(cast):
    token, raw = ApiToken.issue(user=cast.member, name="báo cáo")
    ApiToken.issue(user=cast.outsider)
    listing = run("list", "member")
    assert token.prefix in listing and "báo cáo" in listing and raw not in listing
    assert "outsider" not in listing
    assert "outsider" in run("list")


def test_command_revokes_by_id_and_by_username(cast):
    one, raw_one = ApiToken.issue(user=cast.member)
    _two, raw_two = ApiToken.issue(user=cast.outsider)
    _three, raw_three = ApiToken.issue(user=cast.outsider)
    run("revoke", str(one.pk))
    assert api_status(raw_one) == 401 and api_status(raw_two) == 200
    run("revoke", "outsider")
    assert api_status(raw_two) == 401 and api_status(raw_three) == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 3
    assert one.prefix not in run("list")
    assert one.prefix in run("list", "--all")


def test_command_refuses_unknown_targets(cast):
    with pytest.raises(CommandError):
        run("revoke", "999999")
    with pytest.raises(CommandError):
        run("revoke", "nobody")


# --- A password change revokes the tokens -------------------------------------------------


def test_changing_the_password_on_the_page_revokes_my_tokens_and_is_audited(cast, login):
    _token, raw = ApiToken.issue(user=cast.member)
    _other, raw_other = ApiToken.issue(user=cast.outsider)
    response = login(cast.member).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api_status(raw) == 401
    assert api_status(raw_other) == 200
    entry = last_password_change(cast.member)
    assert (entry.actor, entry.object_id, entry.after) == (cast.member, cast.member.pk, {"tokens_revoked": 1})


def test_any_set_password_revokes_the_tokens(cast):
    """A shell, a script or ``manage.py changepassword``: whoever saves a new password."""
    _token, raw = ApiToken.issue(user=cast.member)
    cast.member.set_password(NEW_PASSWORD)
    cast.member.save()
    assert api_status(raw) == 401
    assert last_password_change(cast.member).actor is None


def test_a_rehash_on_login_keeps_the_tokens(cast, settings):
    """Django re-hashes a password when its hasher changes: that is no password change."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",  # the cast's (the tests' fast hasher)
    ]
    _token, raw = ApiToken.issue(user=cast.member)
    old_hash = cast.member.password
    assert Client().post(reverse("login"), {"username": "member", "password": PASSWORD}).status_code == 302
    cast.member.refresh_from_db()
    assert old_hash.startswith("md5$") and cast.member.password.startswith("pbkdf2_sha256$")
    assert api_status(raw) == 200


# --- Password reset by e-mail ------------------------------------------------------------


def ask_reset(client: Client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **VI, **extra)


def test_the_login_page_links_to_the_reset(client, db):
    body = client.get(reverse("login"), **VI).content.decode()
    assert f'href="{reverse("password_reset")}"' in body
    assert "Quên mật khẩu?" in body


def test_reset_by_email_end_to_end(cast, client, settings):
    settings.SITE_URL = "https://dangbo.example.vn"
    cast.member.email = "dangvien@example.vn"
    cast.member.save(update_fields=["email"])
    _token, raw = ApiToken.issue(user=cast.member)

    response = ask_reset(client, "DangVien@example.vn")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dangvien@example.vn"]
    assert message.subject == "[dangbo] Đặt mật khẩu mới"
    assert "Mở liên kết này" in message.body
    link = re.search(r"https://dangbo\.example\.vn(/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True, **VI)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, **VI)
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")

    assert logs_in("member", NEW_PASSWORD)
    assert not logs_in("member", PASSWORD)
    assert api_status(raw) == 401
    assert last_password_change(cast.member).actor == cast.member
    # The link works once.
    assert "không dùng được" in client.get(link, follow=True, **VI).content.decode()


def test_an_unknown_address_sends_nothing_and_says_the_same(cast, client):
    response = ask_reset(client, "ai-do@example.vn")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_too_short_new_password_is_refused_in_vietnamese(cast, client):
    uid = urlsafe_base64_encode(force_bytes(cast.member.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(cast.member)])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Dx9#kq", "new_password2": "Dx9#kq"}, **VI)
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn" in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.check_password(PASSWORD)


def test_reset_requests_are_throttled_per_address(cast, client, settings):
    settings.DANGBO_PASSWORD_RESET_PER_EMAIL = 3
    cast.member.email = "dangvien@example.vn"
    cast.member.save(update_fields=["email"])
    for _ in range(3):
        assert ask_reset(client, "dangvien@example.vn").status_code == 302
    refused = ask_reset(client, "dangvien@example.vn")
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu đặt lại mật khẩu" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another address from elsewhere is not held back by this one.
    assert ask_reset(Client(), "khac@example.vn", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_reset_requests_are_throttled_per_ip(cast, client, settings):
    settings.DANGBO_PASSWORD_RESET_PER_IP = 2
    assert ask_reset(client, "a@example.vn").status_code == 302
    assert ask_reset(client, "b@example.vn").status_code == 302
    assert ask_reset(client, "c@example.vn").status_code == 429
    assert ask_reset(client, "c@example.vn", REMOTE_ADDR="10.0.0.9").status_code == 302


# --- Notification preferences are audited too --------------------------------------------


def test_a_preference_change_is_recorded_with_before_and_after(cast, login):
    login(cast.member).post(reverse("core:notification_preferences"), {"language": "en"})
    entry = AuditEntry.objects.get(action="notification_preference.update")
    assert entry.actor == cast.member
    assert entry.before == {"email_digest": True, "language": ""}
    assert entry.after == {"email_digest": False, "language": "en"}
