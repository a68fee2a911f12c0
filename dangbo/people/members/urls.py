from django.urls import path

from . import views

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("don-vi/tim/", views.unit_lookup, name="member_unit_lookup"),
    path("them/", views.member_create, name="member_create"),
    path("chuyen-den/", views.member_transfer_in, name="member_transfer_in"),
    path("vao-chi-bo/", views.member_admit, name="member_admit"),
    path("xuat/", views.member_export, name="member_export"),
    path("nhap/", views.member_import, name="member_import"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/sua/", views.member_edit, name="member_edit"),
    path("<int:pk>/chuyen-sinh-hoat/", views.member_transfer, name="member_transfer"),
    path("<int:pk>/chuyen-di/", views.member_transfer_out, name="member_transfer_out"),
    path("<int:pk>/ra-khoi-danh-sach/", views.member_leave, name="member_leave"),
    path("<int:pk>/giay-gioi-thieu/<int:event_pk>/", views.member_letter, name="member_letter"),
]
