from django.urls import path

from . import views

app_name = "assignments"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("giao/", views.task_create, name="task_create"),
    path("don-vi/tim/", views.unit_lookup, name="unit_lookup"),
    path("cua-toi/", views.my_work, name="my_work"),
    path("tong-quan/", views.overview, name="overview"),
    path("don-vi/<int:pk>/", views.unit_dashboard, name="unit_dashboard"),
    path("van-ban/<int:pk>/", views.document_tasks, name="document_tasks"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("<int:pk>/cu-the-hoa/", views.subtask_create, name="subtask_create"),
    path("<int:pk>/bao-cao/", views.task_report, name="task_report"),
    path("<int:pk>/minh-chung/<int:file_pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/trang-thai/", views.task_transition, name="task_transition"),
    path("quyet-dinh/<int:pk>/giao/", views.decision_assign, name="decision_assign"),
    path("kiem-tra/", views.program_list, name="program_list"),
    path("kiem-tra/moi/", views.program_create, name="program_create"),
    path("kiem-tra/<int:pk>/", views.program_detail, name="program_detail"),
    path("kiem-tra/cuoc/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("kiem-tra/<int:pk>/sua/", views.program_edit, name="program_edit"),
    path("kiem-tra/cuoc/<int:pk>/sua/", views.inspection_edit, name="inspection_edit"),
]
