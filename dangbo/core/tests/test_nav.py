"""The links the apps register into the page frame (``dangbo.core.nav``): the left-hand
navigation and the home page's buttons."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from dangbo.core import nav

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _sidenav(body: str) -> list[tuple[str, str, bool]]:
    html = body[body.index('id="sidenav"') : body.index("</nav>", body.index('id="sidenav"'))]
    return [
        (href, unescape(text), "aria-current" in attrs)
        for href, attrs, text in re.findall(r'<a href="([^"]+)"([^>]*)>([^<]+)</a>', html)
    ]


@pytest.mark.parametrize("who", ["clerk", "ward_secretary", "member", "outsider"])
def test_every_page_shows_the_apps_links_in_their_order(cast, login, who):
    body = login(getattr(cast, who)).get(reverse("core:home")).content.decode()
    assert [(href, text) for href, text, _current in _sidenav(body)] == [
        (reverse("core:home"), "Overview"),
        (reverse("documents:document_list"), "Documents"),
        (reverse("assignments:task_list"), "Tasks"),
        (reverse("plans:theme_list"), "Annual themes"),
        (reverse("plans:commitment_list"), "Commitments and indicators"),
        (reverse("meetings:meeting_list"), "Party cell meetings"),
        (reverse("citizens:case_list"), "Citizen cases"),
        (reverse("reports:index"), "Reports"),
        (reverse("orgs:unit_list"), "Organisation"),
        (reverse("orgs:person_list"), "Cadres & members"),
        (reverse("people:member_list"), "Party members"),
        (reverse("people:admission_pipeline"), "Admission"),
        (reverse("people:cadre_list"), "Cadres"),
        (reverse("people:rating_home"), "Annual ratings"),
    ]


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("core:home", "Overview"),
        ("assignments:task_list", "Tasks"),
        ("orgs:person_list", "Cadres & members"),
        ("core:notifications", None),  # a page of no section: nothing is current
    ],
)
def test_the_current_section_is_marked(cast, login, url, current):
    body = login(cast.ward_secretary).get(reverse(url)).content.decode()
    marked = [text for _href, text, is_current in _sidenav(body) if is_current]
    assert marked == ([current] if current else [])


def test_the_home_page_buttons_come_from_the_apps(cast, login):
    body = login(cast.member).get(reverse("core:home")).content.decode()
    head = body[body.index('class="page-head"') : body.index("</div>\n</div>", body.index('class="page-head"'))]
    buttons = re.findall(r'<a class="([^"]+)" href="([^"]+)">([^<]+)</a>', head)
    assert buttons == [
        ("button button-primary", reverse("assignments:my_work"), "My work"),
        ("button", reverse("meetings:my_view"), "My cells and meetings"),
        ("button", reverse("core:notifications"), "Notifications"),
    ]


def test_anonymous_pages_show_no_navigation(client):
    body = client.get(reverse("login")).content.decode()
    assert 'id="sidenav"' not in body


# --- The registry ------------------------------------------------------------------------


def test_links_are_ordered_replaced_hidden_and_skipped_when_not_mounted(rf, cast, monkeypatch):
    monkeypatch.setattr(nav, "_links", {})
    nav.register_link(nav.MAIN, url_name="orgs:person_list", label="People", order=20, section="people")
    nav.register_link(nav.MAIN, url_name="core:home", label="Home", order=10, section="home")
    nav.register_link(nav.MAIN, url_name="orgs:unit_list", label="Units", order=30,
                      visible=lambda request: request.user.is_superuser)
    nav.register_link(nav.MAIN, url_name="nowhere:list", label="Gone", order=40)  # app not mounted
    nav.register_link(nav.MAIN, url_name="orgs:person_list", label="Cadres", order=5, section="people")
    nav.register_link(nav.HOME, url_name="core:notifications", label="Bell", order=1)
    request = rf.get("/")
    request.user = cast.member
    request.nav_section = "people"
    links = nav.links_for(request, nav.MAIN)
    assert [(link.label, link.current) for link in links] == [("Cadres", True), ("Home", False)]
    assert [link.label for link in nav.links_for(request, nav.HOME)] == ["Bell"]


def test_a_link_goes_only_to_a_known_menu(monkeypatch):
    monkeypatch.setattr(nav, "_links", {})
    with pytest.raises(ValueError, match="footer"):
        nav.register_link("footer", url_name="core:home", label="Home", order=1)
    assert nav.links(nav.MAIN) == []
