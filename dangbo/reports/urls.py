from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("don-vi/<int:pk>/", views.unit_page, name="unit"),
    path("don-vi/<int:pk>/so-sanh.xlsx", views.unit_xlsx, name="unit_xlsx"),
    path("don-vi/<int:pk>/tong-ket/", views.review_create, name="review_create"),
    path("tong-ket/<int:pk>/", views.review_detail, name="review_detail"),
    path("tong-ket/<int:pk>/sua/", views.review_edit, name="review_edit"),
    path("tong-ket/<int:pk>/lam-moi/", views.review_refresh, name="review_refresh"),
    path("tong-ket/<int:pk>/xuat.<str:fmt>", views.review_export, name="review_export"),
    path("dinh-ky/", views.periodic_list, name="periodic_list"),
    path("don-vi/tim/", views.unit_lookup, name="unit_lookup"),
    path("dinh-ky/<int:pk>/", views.periodic_detail, name="periodic_detail"),
    path("dinh-ky/<int:pk>/nop/", views.periodic_submit, name="periodic_submit"),
    path("dinh-ky/<int:pk>/sua/", views.periodic_edit, name="periodic_edit"),
    path("dinh-ky/<int:pk>/lam-moi/", views.periodic_refresh, name="periodic_refresh"),
    path("dinh-ky/<int:pk>/xuat.<str:fmt>", views.periodic_export, name="periodic_export"),
]
