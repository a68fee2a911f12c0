from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("don-vi/tim/", views.unit_lookup, name="unit_lookup"),
    path("xuat/", views.document_export, name="document_export"),
    path("nhap/", views.document_import, name="document_import"),
    path("nhap/mau.xlsx", views.document_import_template, name="document_import_template"),
    path("moi/", views.document_create, name="document_create"),
    path("thong-ke/", views.document_stats, name="document_stats"),
    path("hoc-tap/", views.study_list, name="study_list"),
    path("hoc-tap/moi/", views.study_create, name="study_create"),
    path("hoc-tap/<int:pk>/", views.study_detail, name="study_detail"),
    path("hoc-tap/<int:pk>/diem-danh/<int:unit_pk>/", views.study_attendance, name="study_attendance"),
    path("hoc-tap/<int:pk>/tai-lieu/", views.study_material_add, name="study_material_add"),
    path("hoc-tap/<int:pk>/tai-lieu/<int:file_pk>/", views.study_material, name="study_material"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("<int:pk>/chuoi/", views.document_lineage, name="document_lineage"),
    path("<int:pk>/lien-ket/", views.document_relate, name="document_relate"),
    path("<int:pk>/lien-ket/<int:relation_pk>/xoa/", views.document_unrelate, name="document_unrelate"),
    path("<int:pk>/tep/", views.document_attach, name="document_attach"),
    path("<int:pk>/tep/<int:file_pk>/", views.document_file, name="document_file"),
]
