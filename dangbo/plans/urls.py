from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.theme_list, name="theme_list"),
    path("moi/", views.theme_create, name="theme_create"),
    path("don-vi/tim/", views.unit_lookup, name="unit_lookup"),
    path("bang/", views.board, name="board"),
    path("<int:pk>/", views.theme_detail, name="theme_detail"),
    path("<int:pk>/sua/", views.theme_edit, name="theme_edit"),
    path("<int:pk>/them-muc/", views.item_create, name="item_create"),
    path("<int:pk>/ra-soat/", views.stocktake, name="stocktake"),
    path("muc/<int:pk>/", views.item_detail, name="item_detail"),
    path("muc/<int:pk>/sua/", views.item_edit, name="item_edit"),
    path("muc/<int:pk>/moc/", views.milestone_add, name="milestone_add"),
    path("muc/<int:pk>/moc/<int:milestone_pk>/xoa/", views.milestone_remove, name="milestone_remove"),
    path("muc/<int:pk>/gan-nhiem-vu/", views.item_link, name="item_link"),
    path("muc/<int:pk>/bo-nhiem-vu/<int:task_pk>/", views.item_unlink, name="item_unlink"),
    path("muc/<int:pk>/giao/", views.item_assign, name="item_assign"),
    path("muc/<int:pk>/danh-gia/", views.item_rate, name="item_rate"),
]
urlpatterns += [
    path("cam-ket/", views.commitment_list, name="commitment_list"),
    path("cam-ket/moi/", views.commitment_create, name="commitment_create"),
    path("cam-ket/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("cam-ket/<int:pk>/docx/", views.commitment_export, name="commitment_export"),
    path("cam-ket/<int:pk>/pdf/", views.commitment_pdf, name="commitment_pdf"),
    path("cam-ket/<int:pk>/ban-ky/", views.commitment_scan_upload, name="commitment_scan_upload"),
    path("cam-ket/<int:pk>/ban-ky/tai-ve/", views.commitment_scan, name="commitment_scan"),
    path("cam-ket/<int:pk>/danh-gia-cuoi-nam/", views.commitment_evaluation_export, name="commitment_evaluation_export"),
    path("cam-ket/<int:pk>/noi-dung/<int:item_pk>/minh-chung/", views.commitment_link, name="commitment_link"),
    path("cam-ket/<int:pk>/nhan-xet/<int:status_pk>/", views.commitment_comment, name="commitment_comment"),
    path("cam-ket/<int:pk>/tien-do/", views.commitment_status, name="commitment_status"),
    path("cam-ket/<int:pk>/tu-danh-gia/", views.commitment_self_evaluate, name="commitment_self_evaluate"),
    path("cam-ket/<int:pk>/danh-gia/", views.commitment_evaluate, name="commitment_evaluate"),
    path("chi-tieu/", views.indicator_list, name="indicator_list"),
    path("chi-tieu/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("van-ban/<int:pk>/de-xuat-nhiem-vu/", views.document_proposals, name="document_proposals"),
]
