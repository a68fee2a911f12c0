from django.urls import path

from . import views

urlpatterns = [
    path("", views.cadre_list, name="cadre_list"),
    path("moi/", views.cadre_create, name="cadre_create"),
    path("don-vi/tim/", views.unit_lookup, name="cadre_unit_lookup"),
    path("<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("<int:pk>/sua/", views.cadre_edit, name="cadre_edit"),
    path("<int:pk>/dao-tao/", views.training_add, name="training_add"),
    path("<int:pk>/khen-thuong/", views.award_add, name="award_add"),
    path("quy-hoach/", views.plan_list, name="plan_list"),
    path("quy-hoach/moi/", views.plan_create, name="plan_create"),
    path("quy-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("quy-hoach/<int:pk>/kiem-tra-lai/", views.plan_recheck, name="plan_recheck"),
    path("quy-hoach/<int:pk>/ung-vien/", views.candidate_add, name="candidate_add"),
    path("quy-hoach/ung-vien/<int:pk>/bo/", views.candidate_remove, name="candidate_remove"),
    path("tieu-chi/", views.rule_list, name="rule_list"),
    path("dieu-dong/", views.move_list, name="move_list"),
    path("dieu-dong/moi/", views.move_create, name="move_create"),
    path("dieu-dong/<int:pk>/", views.move_detail, name="move_detail"),
    path("dieu-dong/<int:pk>/quyet-dinh/", views.move_decide, name="move_decide"),
    path("dieu-dong/<int:pk>/nhan-nhiem-vu/", views.move_take_up, name="move_take_up"),
    path("dieu-dong/<int:pk>/ket-thuc/", views.move_complete, name="move_complete"),
    path("dieu-dong/<int:pk>/huy/", views.move_cancel, name="move_cancel"),
    path("ty-le/", views.shares, name="shares"),
    path("tinh-gian/", views.streamlining, name="streamlining"),
]
