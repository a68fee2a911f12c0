from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("moi/", views.case_create, name="case_create"),
    path("don-vi/tim/", views.unit_lookup, name="unit_lookup"),
    path("tra-cuu/", views.follow, name="follow"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/xac-nhan/", views.case_acknowledge, name="case_acknowledge"),
    path("<int:pk>/tra-loi/", views.case_answer, name="case_answer"),
    path("<int:pk>/dong/", views.case_close, name="case_close"),
    path("<int:pk>/giao-viec/", views.case_task, name="case_task"),
    path("<int:pk>/gop/", views.case_merge, name="case_merge"),
    path("<int:pk>/thong-bao.docx", views.case_letter, name="case_letter"),
    path("<int:pk>/phieu-hen/", views.case_receipt, name="case_receipt"),
    path("<int:pk>/nguoi-duoc-xem/", views.case_identity_share, name="case_identity_share"),
    path("tiep-dan/", views.reception_list, name="reception_list"),
    path("tiep-dan/moi/", views.reception_create, name="reception_create"),
    path("tiep-dan/<int:pk>/trang-thai/", views.reception_status, name="reception_status"),
    path("thoi-gian-tra-loi/", views.response_times, name="response_times"),
    path("bao-cao/", views.reception_report, name="reception_report"),
    path("doi-thoai/", views.dialogue_list, name="dialogue_list"),
    path("doi-thoai/moi/", views.dialogue_create, name="dialogue_create"),
    path("doi-thoai/<int:pk>/", views.dialogue_detail, name="dialogue_detail"),
]
