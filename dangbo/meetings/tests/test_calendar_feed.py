"""The calendar (iCal) link: shown on "My units", readable without a session, revocable by its
owner only, through a POST with the CSRF token; a revoked link answers 404."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import signing
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.meetings import selectors, services
from dangbo.meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db

MY_VIEW = "meetings:my_view"
REVOKE = "meetings:ical_revoke"


def feed_path(client) -> str:
    """The calendar link shown on the user's page, as a path."""
    page = client.get(reverse(MY_VIEW)).content.decode()
    return page.split('id="ical-url" readonly value="')[1].split('"')[0].replace("http://testserver", "")


def feed_status(path: str) -> int:
    return Client().get(path).status_code  # calendar apps have no session


def test_revoking_gives_a_new_link_and_the_old_one_answers_404(cast, held, login):
    client = login(cast.member)
    old = feed_path(client)
    assert feed_status(old) == 200
    response = client.post(reverse(REVOKE), {"ical": "revoke"}, follow=True)
    assert response.redirect_chain == [(reverse(MY_VIEW) + "#h-ical", 302)]
    assert "the old one no longer works" in response.content.decode()
    new = feed_path(client)
    assert new != old
    assert feed_status(old) == 404
    fresh = Client().get(new)
    assert fresh.status_code == 200 and b"Sinh ho" in fresh.content
    # revoking again retires the second link too
    client.post(reverse(REVOKE), {"ical": "revoke"})
    assert feed_status(new) == 404 and feed_status(feed_path(client)) == 200


def test_revoking_is_audited_without_the_link(cast, held, login):
    client = login(cast.member)
    old = feed_path(client)
    client.post(reverse(REVOKE), {"ical": "revoke"})
    feed = CalendarFeed.objects.get(user=cast.member)
    entry = AuditEntry.objects.get(action="calendar_feed.revoke")
    assert (entry.actor, entry.object_id) == (cast.member, feed.pk)
    assert (entry.before, entry.after) == ({"generation": 0}, {"generation": 1})
    token = old.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in str(entry.before) + str(entry.after) + entry.object_repr


def test_a_link_given_before_links_could_be_revoked_works_until_revoked(cast, held, login):
    legacy = reverse("meetings:ical", args=[signing.dumps(cast.member.pk, salt=selectors.ICAL_SALT)])
    assert feed_status(legacy) == 200
    login(cast.member).post(reverse(REVOKE), {"ical": "revoke"})
    assert feed_status(legacy) == 404


def test_another_user_cannot_revoke_your_link(cast, held, login):
    mine = feed_path(login(cast.member))
    # whoever posts revokes their own link: no parameter names another user
    login(cast.outsider).post(reverse(REVOKE), {"ical": "revoke", "user": cast.member.pk})
    login(cast.ward_secretary).post(reverse(REVOKE), {"ical": "revoke"})
    assert feed_status(mine) == 200
    assert not CalendarFeed.objects.filter(user=cast.member).exists()
    assert set(CalendarFeed.objects.values_list("user__username", flat=True)) == {
        cast.outsider.username, cast.ward_secretary.username,
    }


def test_revoking_needs_a_post_with_the_csrf_token(cast, held, login):
    mine = feed_path(login(cast.member))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.member, backend="dangbo.orgs.auth.AccountBackend")
    assert strict.post(reverse(REVOKE), {"ical": "revoke"}).status_code == 403
    assert strict.get(reverse(MY_VIEW), {"ical": "revoke"}).status_code == 200  # a GET changes nothing
    anonymous = Client().post(reverse(REVOKE), {"ical": "revoke"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert login(cast.member).post(reverse(REVOKE), {}).status_code == 400
    assert feed_status(mine) == 200
    assert not AuditEntry.objects.filter(action="calendar_feed.revoke").exists()
    # the page's own form carries the token
    page = strict.get(reverse(MY_VIEW)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(reverse(REVOKE), {"ical": "revoke", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and feed_status(mine) == 404


def test_forged_or_misshapen_tokens_answer_404(cast, held):
    for payload in ([cast.member.pk, 0, 1], [str(cast.member.pk), 0], {"u": cast.member.pk}, "x", [True, 0]):
        assert feed_status(reverse("meetings:ical", args=[signing.dumps(payload, salt=selectors.ICAL_SALT)])) == 404
    other_salt = signing.dumps([cast.member.pk, 0], salt="another purpose")
    assert feed_status(reverse("meetings:ical", args=[other_salt])) == 404


def test_an_inactive_users_link_answers_404(cast, held, login):
    mine = feed_path(login(cast.member))
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    assert feed_status(mine) == 404


def test_the_service_raises_the_generation(cast):
    first = services.calendar_feed_revoke(actor=cast.member, user=cast.member)
    second = services.calendar_feed_revoke(actor=cast.member, user=cast.member)
    assert (first.pk, second.generation) == (second.pk, 2)
    assert AuditEntry.objects.filter(action="calendar_feed.revoke", object_id=first.pk).count() == 2
