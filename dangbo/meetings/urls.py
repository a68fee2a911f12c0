from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("don-vi/tim/", views.unit_lookup, name="unit_lookup"),
    path("them/", views.meeting_create, name="meeting_create"),
    path("lich-nam/", views.schedule_year, name="schedule_year"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/sua/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/bien-ban/", views.meeting_record, name="meeting_record"),
    path("<int:pk>/diem-danh/", views.roll_call, name="roll_call"),
    path("<int:pk>/diem-danh/<int:person_id>/", views.roll_call_row, name="roll_call_row"),
    path("<int:pk>/cham-diem/<str:rater>/", views.meeting_score, name="meeting_score"),
    path("<int:pk>/khach/", views.guest_add, name="guest_add"),
    path("<int:pk>/quyet-dinh/", views.decision_add, name="decision_add"),
    path("<int:pk>/dong/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/xuat/<str:document>.<str:fmt>", views.meeting_export, name="meeting_export"),
    path("tieu-chi/", views.criteria_list, name="criteria_list"),
    path("tieu-chi/<int:pk>/", views.criteria_detail, name="criteria_detail"),
    path("tieu-chi/<int:pk>/phien-ban-moi/", views.criteria_new_version, name="criteria_new_version"),
    path("tieu-chi/<int:pk>/them-tieu-chi/", views.criterion_add, name="criterion_add"),
    path("tieu-chi/<int:pk>/xep-loai/", views.criteria_thresholds, name="criteria_thresholds"),
    path("tieu-chi/tieu-chi/<int:pk>/sua/", views.criterion_edit, name="criterion_edit"),
    path("tieu-chi/tieu-chi/<int:pk>/xoa/", views.criterion_remove, name="criterion_remove"),
    path("tieu-chi/muc/<int:pk>/sua/", views.section_edit, name="section_edit"),
    path("chat-luong/", views.quality_home, name="quality_home"),
    path("chat-luong/<int:pk>/", views.quality, name="quality"),
    path("lanh-dao/", views.leader_assignments, name="leader_assignments"),
    path("to-cong-tac/", views.working_groups, name="working_groups"),
    path("to-cong-tac/<int:pk>/", views.working_group_detail, name="working_group_detail"),
    path("tham-du/", views.visits, name="visits"),
    path("bao-phu/", views.coverage, name="coverage"),
    path("cua-toi/", views.my_view, name="my_view"),
    path("cua-toi/doi-lich/", views.ical_revoke, name="ical_revoke"),
    path("lich/<str:token>.ics", views.ical_feed, name="ical"),
]
