from django.urls import path

from . import rules_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("thong-bao/", views.notification_list, name="notifications"),
    path("thong-bao/menu/", views.notifications_menu, name="notifications_menu"),
    path("thong-bao/da-doc-het/", views.notifications_read_all, name="notifications_read_all"),
    path("thong-bao/cai-dat/", views.notification_preferences, name="notification_preferences"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification_open"),
    path("thong-bao/<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("tim-kiem/", views.search, name="search"),
    path("tai-khoan/token/", views.token_list, name="tokens"),
    path("tai-khoan/token/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("lich-lam-viec/", rules_views.calendar, name="calendar"),
    path("lich-lam-viec/<int:pk>/xoa/", rules_views.calendar_delete, name="calendar_delete"),
    path("thoi-han/", rules_views.deadline_rules, name="deadline_rules"),
    path("thoi-han/<int:pk>/ket-thuc/", rules_views.deadline_rule_end, name="deadline_rule_end"),
]
