"""Notifications: notify, the bell, the pages, the daily digest by e-mail, the daily schedule."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangbo.core import notifications, schedule
from dangbo.core.models import (
    AuditEntry,
    DigestEmail,
    Notification,
    NotificationPreference,
    ScheduledRun,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 25)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def at(day: dt.date, hour: int, minute: int = 0):
    """Travel to ``day`` at ``hour:minute`` in Asia/Ho_Chi_Minh, the clock stopped."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM), tick=False)


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return users


def note(user, n: int = 1, **kwargs):
    for i in range(n):
        notifications.notify(user, verb="task.assigned", title=f"Nhiệm vụ {i + 1}", url="/nhiem-vu/", **kwargs)


# notify ------------------------------------------------------------------------------------


def test_notify_creates_one_per_user_and_skips_duplicates_and_inactive(cast):
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    users = [cast.clerk, cast.ward_secretary, cast.clerk, cast.member, None]
    created = notifications.notify(
        users, verb="task.assigned", title="Triển khai Chỉ thị 05-CT/TW", url="/nhiem-vu/1/",
        body="Hạn 30/11/2026", obj=cast.ward1, level="warning",
    )
    assert created == 2
    rows = Notification.objects.order_by("user_id")
    assert [r.user for r in rows] == sorted([cast.clerk, cast.ward_secretary], key=lambda u: u.pk)
    row = rows[0]
    assert (row.verb, row.title, row.url, row.body, row.level) == (
        "task.assigned", "Triển khai Chỉ thị 05-CT/TW", "/nhiem-vu/1/", "Hạn 30/11/2026", "warning",
    )
    assert row.content_type.model == "unit" and row.object_id == cast.ward1.pk
    assert row.read_at is None and row.emailed_at is None


def test_notify_accepts_a_single_user_and_a_queryset(cast):
    from django.contrib.auth import get_user_model

    assert notifications.notify(cast.member, verb="x.y", title="Một") == 1
    everyone = get_user_model().objects.filter(pk__in=[cast.clerk.pk, cast.outsider.pk])
    assert notifications.notify(everyone, verb="x.y", title="Hai") == 2
    assert notifications.notify([], verb="x.y", title="Không ai") == 0


def test_the_same_key_never_notifies_a_person_twice(cast):
    key = "task.due_soon:12:2026-11-30"
    assert notifications.notify([cast.clerk], verb="task.due_soon", title="Sắp đến hạn", key=key) == 1
    assert notifications.notify([cast.clerk], verb="task.due_soon", title="Sắp đến hạn", key=key) == 0
    # A new person with the same key is notified; the one already notified is not.
    assert notifications.notify([cast.clerk, cast.member], verb="task.due_soon", title="Sắp đến hạn", key=key) == 1
    assert Notification.objects.filter(key=key).count() == 2
    # Without a key, every call notifies.
    note(cast.clerk, 2)
    assert Notification.objects.filter(user=cast.clerk, key="").count() == 2


def test_notify_belongs_to_the_callers_transaction(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify(cast.clerk, verb="task.assigned", title="Sẽ bị huỷ")
        raise RuntimeError("the caller's change fails")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"title": ""},
        {"verb": ""},
        {"level": "loud"},
        {"url": "https://example.com/"},
        {"url": "//example.com/"},
        {"url": "nhiem-vu/1/"},
    ],
)
def test_notify_refuses_bad_arguments(cast, kwargs):
    args = {"verb": "task.assigned", "title": "Nhiệm vụ"} | kwargs
    with pytest.raises(ValueError):
        notifications.notify(cast.clerk, **args)
    assert not Notification.objects.exists()


def test_unread_count(cast):
    from django.contrib.auth.models import AnonymousUser

    note(cast.clerk, 3)
    note(cast.member, 1)
    assert notifications.unread_count(cast.clerk) == 3
    assert notifications.unread_count(AnonymousUser()) == 0
    assert notifications.unread_count(None) == 0
    first = Notification.objects.filter(user=cast.clerk).first()
    notifications.notification_mark_read(user=cast.clerk, notification=first)
    assert notifications.unread_count(cast.clerk) == 2
    assert notifications.notification_mark_all_read(user=cast.clerk) == 2
    assert notifications.unread_count(cast.clerk) == 0
    assert notifications.unread_count(cast.member) == 1


# The daily digest ------------------------------------------------------------------------


def test_one_email_per_person_listing_everything_new(cast, mailoutbox):
    with_email(cast.clerk, cast.member)
    with at(DAY, 6):
        note(cast.clerk, 3)
        note(cast.member, 1, body="Báo cáo trước ngày 30")
        notifications.notify(cast.outsider, verb="task.overdue", title="Quá hạn")  # no e-mail address
    with at(DAY, 7):
        assert notifications.send_daily_digests() == 2
    assert len(mailoutbox) == 2
    by_to = {m.to[0]: m for m in mailoutbox}
    clerk_mail = by_to["clerk@example.vn"]
    assert "[dangbo]" in clerk_mail.subject and "3" in clerk_mail.subject and "25/11/2026" in clerk_mail.subject
    for i in (1, 2, 3):
        assert f"Nhiệm vụ {i}" in clerk_mail.body
    html, mimetype = clerk_mail.alternatives[0]
    assert mimetype == "text/html" and "Nhiệm vụ 3" in html
    first = Notification.objects.filter(user=cast.clerk).first()
    assert f"/thong-bao/{first.pk}/" in clerk_mail.body  # each item links through the site
    assert "Báo cáo trước ngày 30" in by_to["member@example.vn"].body
    assert not Notification.objects.filter(user__in=[cast.clerk, cast.member], emailed_at__isnull=True).exists()
    assert Notification.objects.get(user=cast.outsider).emailed_at is None
    assert DigestEmail.objects.get(user=cast.clerk, day=DAY).count == 3


def test_digest_subject_in_the_persons_language(cast, mailoutbox):
    (clerk,) = with_email(cast.clerk)
    notifications.preference_update(actor=clerk, user=clerk, email_digest=True, language="en")
    with at(DAY, 6):
        note(clerk, 3)
    with at(DAY, 7):
        notifications.send_daily_digests()
    assert mailoutbox[0].subject == "[dangbo] 3 new notifications on 25/11/2026"


def test_digest_twice_the_same_day_sends_nothing_more(cast, mailoutbox):
    with_email(cast.clerk)
    with at(DAY, 6):
        note(cast.clerk, 2)
    with at(DAY, 7):
        assert notifications.send_daily_digests() == 1
        assert notifications.send_daily_digests() == 0
    with at(DAY, 10):
        note(cast.clerk, 1)  # arrives after today's digest: waits for tomorrow's
        assert notifications.send_daily_digests() == 0
    assert len(mailoutbox) == 1
    with at(DAY + dt.timedelta(days=1), 7):
        assert notifications.send_daily_digests() == 1
    assert len(mailoutbox) == 2 and "Nhiệm vụ 1" in mailoutbox[1].body
    assert "1" in mailoutbox[1].subject


def test_nobody_without_news_an_address_or_the_digest_gets_mail(cast, mailoutbox):
    with_email(cast.clerk, cast.ward_secretary, cast.member, cast.cell_secretary)
    notifications.preference_update(actor=cast.member, user=cast.member, email_digest=False)
    cast.cell_secretary.is_active = False
    cast.cell_secretary.save(update_fields=["is_active"])
    with at(DAY, 6):
        note(cast.clerk, 1)
        note(cast.member, 2)  # digest off
        note(cast.outsider, 2)  # no address
        Notification.objects.create(user=cast.cell_secretary, verb="x", title="inactive")
        # ward_secretary: an address, but nothing new
    with at(DAY, 7):
        assert notifications.send_daily_digests() == 1
    assert [m.to for m in mailoutbox] == [["clerk@example.vn"]]


def test_digest_of_a_day_leaves_out_what_came_after_it(cast, mailoutbox):
    with_email(cast.clerk)
    with at(DAY, 23, 59):
        notifications.notify(cast.clerk, verb="x.y", title="Tối hôm trước")
    with at(DAY + dt.timedelta(days=1), 0, 1):
        notifications.notify(cast.clerk, verb="x.y", title="Sáng hôm sau")
        assert notifications.send_daily_digests(today=DAY) == 1
    assert "Tối hôm trước" in mailoutbox[0].body and "Sáng hôm sau" not in mailoutbox[0].body
    assert Notification.objects.get(title="Sáng hôm sau").emailed_at is None


def test_a_long_backlog_is_one_email_with_the_rest_counted(cast, mailoutbox):
    with_email(cast.clerk)
    with at(DAY, 6):
        note(cast.clerk, notifications.DIGEST_MAX_ITEMS + 7)
    with at(DAY, 7):
        assert notifications.send_daily_digests() == 1
    assert len(mailoutbox) == 1
    assert "7" in mailoutbox[0].body.split("Nhiệm vụ 50")[-1]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_send_digests_command(cast, mailoutbox, capsys):
    with_email(cast.clerk)
    with at(DAY, 6):
        note(cast.clerk, 1)
    with at(DAY, 8):
        call_command("send_digests", "--today", "2026-11-25")
        call_command("send_digests")
    assert capsys.readouterr().out.split() == ["1", "0"]
    assert DigestEmail.objects.get().day == DAY
    with pytest.raises(CommandError):
        call_command("send_digests", "--today", "25/11/2026")


# The daily schedule and django-tasks --------------------------------------------------------


def test_digest_task_runs_through_django_tasks(cast, mailoutbox, settings):
    from dangbo.core.tasks import send_daily_digests_task

    settings.TASKS = IMMEDIATE
    with_email(cast.clerk)
    with at(DAY, 6):
        note(cast.clerk, 2)
    with at(DAY, 7):
        result = send_daily_digests_task.enqueue(today=DAY.isoformat())
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    assert len(mailoutbox) == 1


def test_the_scheduler_runs_each_daily_job_once_a_day(cast, mailoutbox, settings):
    settings.TASKS = IMMEDIATE
    assert "send_digests" in [job.name for job in schedule.jobs()]
    with_email(cast.clerk)
    with at(DAY, 5):
        note(cast.clerk, 1)
        assert "send_digests" not in schedule.enqueue_due()  # before 07:00
    assert not mailoutbox
    with at(DAY, 7, 5):
        assert "send_digests" in schedule.enqueue_due()
        assert "send_digests" not in schedule.enqueue_due()
        note(cast.clerk, 1)
    with at(DAY, 23, 50):
        assert "send_digests" not in schedule.enqueue_due()
    assert len(mailoutbox) == 1
    assert ScheduledRun.objects.filter(name="send_digests").count() == 1
    with at(DAY + dt.timedelta(days=1), 7, 10):
        assert "send_digests" in schedule.enqueue_due()
        call_command("enqueue_daily_jobs")  # again, by the command: nothing more
    assert len(mailoutbox) == 2
    assert list(ScheduledRun.objects.filter(name="send_digests").values_list("day", flat=True).order_by("day")) == [
        DAY, DAY + dt.timedelta(days=1)
    ]


# The real worker closes a connection that is inside a transaction (as a test's is): so this
# test commits, and the migrated data is restored afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_backend_queues_the_job_for_the_worker(cast, mailoutbox, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    with_email(cast.clerk)
    with at(DAY, 6):
        note(cast.clerk, 1)
    with at(DAY, 7, 30):
        schedule.enqueue_due()
        schedule.enqueue_due()
    queued = DBTaskResult.objects.filter(task_path="dangbo.core.tasks.send_daily_digests_task")
    assert queued.count() == 1
    assert queued.get().args_kwargs == {"args": [], "kwargs": {"today": "2026-11-25"}}
    assert str(queued.get().id) == ScheduledRun.objects.get(name="send_digests").task_result_id
    assert not mailoutbox  # nothing sent until the worker runs it
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload")
    assert queued.get().status == "SUCCESSFUL"
    assert len(mailoutbox) == 1


def test_daily_registry_refuses_a_name_taken_by_another_job():
    job = schedule.jobs()[0]
    assert schedule.daily(job.name, job.task_path, at=job.at) == job  # again: harmless
    with pytest.raises(ValueError):
        schedule.daily(job.name, "dangbo.somewhere.else", at=job.at)


# Pages ---------------------------------------------------------------------------------------


def test_bell_shows_the_unread_count_on_every_page(cast, login):
    note(cast.clerk, 3)
    body = login(cast.clerk).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'aria-label="Notifications (3 unread)"' in body
    assert '<span class="bell-count" aria-hidden="true">3</span>' in body
    body = login(cast.member).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'aria-label="Notifications (0 unread)"' in body and "bell-count" not in body


def test_bell_costs_one_query(cast, login):
    client = login(cast.clerk)
    url = reverse("core:home")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_list_shows_only_my_notifications(cast, login):
    notifications.notify(cast.clerk, verb="x.y", title="Của văn phòng")
    notifications.notify(cast.outsider, verb="x.y", title="Của Đông Lương")
    body = login(cast.clerk).get(reverse("core:notifications")).content.decode()
    assert "Của văn phòng" in body and "Của Đông Lương" not in body
    body = login(cast.outsider).get(reverse("core:notifications")).content.decode()
    assert "Của Đông Lương" in body and "Của văn phòng" not in body


def test_unread_filter(cast, login):
    note(cast.clerk, 2)
    first = Notification.objects.filter(user=cast.clerk).order_by("id").first()
    notifications.notification_mark_read(user=cast.clerk, notification=first)
    body = login(cast.clerk).get(reverse("core:notifications") + "?unread=1").content.decode()
    assert "Nhiệm vụ 2" in body and "Nhiệm vụ 1" not in body


def test_others_cannot_open_or_mark_my_notifications(cast, login):
    notifications.notify(cast.clerk, verb="x.y", title="Riêng", url="/to-chuc/")
    mine = Notification.objects.get()
    for user in (cast.outsider, cast.member, cast.ward_secretary):
        client = login(user)
        assert client.get(reverse("core:notification_open", args=[mine.pk])).status_code == 404
        assert client.post(reverse("core:notification_read", args=[mine.pk])).status_code == 404
        client.post(reverse("core:notifications_read_all"))
    mine.refresh_from_db()
    assert mine.read_at is None


def test_opening_marks_read_and_goes_to_the_page(cast, login):
    notifications.notify(cast.clerk, verb="x.y", title="Xem đơn vị", url=f"/to-chuc/don-vi/{cast.ward1.pk}/")
    notifications.notify(cast.clerk, verb="x.y", title="Không có đường dẫn")
    with_link, without = Notification.objects.order_by("id")
    client = login(cast.clerk)
    response = client.get(reverse("core:notification_open", args=[with_link.pk]))
    assert response.status_code == 302 and response["Location"] == with_link.url
    response = client.get(reverse("core:notification_open", args=[without.pk]))
    assert response["Location"] == reverse("core:notifications")
    assert notifications.unread_count(cast.clerk) == 0


def test_mark_read_and_all_read(cast, login):
    note(cast.clerk, 3)
    first, *_rest = Notification.objects.order_by("id")
    client = login(cast.clerk)
    response = client.post(reverse("core:notification_read", args=[first.pk]), {"next": "/thong-bao/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/thong-bao/?page=1"
    assert notifications.unread_count(cast.clerk) == 2
    response = client.post(reverse("core:notifications_read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("core:notifications")  # never elsewhere
    assert notifications.unread_count(cast.clerk) == 0
    assert client.get(reverse("core:notifications_read_all")).status_code == 405


def test_mark_read_by_htmx_returns_the_row_and_the_new_bell(cast, login):
    note(cast.clerk, 2)
    first = Notification.objects.order_by("id").first()
    response = login(cast.clerk).post(
        reverse("core:notification_read", args=[first.pk]), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="notification-{first.pk}"')
    assert 'id="bell" hx-swap-oob="true"' in body and "Notifications (1 unread)" in body
    assert "<html" not in body


def test_bell_menu_lists_the_latest_unread(cast, login):
    note(cast.clerk, 10)
    first = Notification.objects.order_by("id").first()
    notifications.notification_mark_read(user=cast.clerk, notification=first)
    body = login(cast.clerk).get(
        reverse("core:notifications_menu"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/to-chuc/"
    ).content.decode()
    assert body.count("<li>") == 8
    assert "Nhiệm vụ 10" in body and ">Nhiệm vụ 1<" not in body
    assert 'name="next" value="/to-chuc/"' in body


def test_list_page_runs_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.clerk)
    url = reverse("core:notifications")
    note(cast.clerk, 2, obj=cast.ward1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    note(cast.clerk, 60, obj=cast.cell1)
    notifications.notification_mark_all_read(user=cast.clerk)
    note(cast.clerk, 5, level="urgent")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_preference_form_saves_and_is_audited(cast, login):
    client = login(cast.member)
    url = reverse("core:notification_preferences")
    response = client.post(url, {"language": "en"})  # checkbox unticked: digest off
    assert response.status_code == 302 and response["Location"].endswith("#cai-dat")
    pref = NotificationPreference.objects.get(user=cast.member)
    assert (pref.email_digest, pref.language) == (False, "en")
    assert AuditEntry.objects.filter(action="notification_preference.update").count() == 1
    body = client.get(reverse("core:notifications")).content.decode()
    assert 'name="email_digest"' in body and "checked" not in body.split('name="email_digest"')[1].split(">")[0]


def test_preference_form_shows_a_bad_choice(cast, login):
    response = login(cast.member).post(
        reverse("core:notification_preferences"), {"email_digest": "on", "language": "fr"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_preference_needs_post(cast, login):
    assert login(cast.member).get(reverse("core:notification_preferences")).status_code == 405


def test_reading_state_is_kept_when_marking_twice(cast):
    note(cast.clerk, 1)
    n = Notification.objects.get()
    with at(DAY, 8):
        notifications.notification_mark_read(user=cast.clerk, notification=n)
    first_time = Notification.objects.get().read_at
    with at(DAY, 9):
        notifications.notification_mark_read(user=cast.clerk, notification=Notification.objects.get())
    assert Notification.objects.get().read_at == first_time
    assert timezone.localtime(first_time, HCM).hour == 8


def test_a_failed_email_is_tried_again_and_the_others_still_go(cast, mailoutbox, caplog):
    with_email(cast.clerk, cast.member)
    cast.member.email = "member@example.vn\nBcc: everyone@example.vn"  # a header injection: refused
    cast.member.save(update_fields=["email"])
    with at(DAY, 6):
        note(cast.clerk, 1)
        note(cast.member, 1)
    with at(DAY, 7):
        assert notifications.send_daily_digests() == 1
    assert [m.to for m in mailoutbox] == [["clerk@example.vn"]]
    assert "Could not send the digest" in caplog.text
    assert Notification.objects.get(user=cast.member).emailed_at is None
    assert not DigestEmail.objects.filter(user=cast.member).exists()
    with_email(cast.member)
    with at(DAY, 8):
        assert notifications.send_daily_digests() == 1
    assert mailoutbox[-1].to == ["member@example.vn"]
