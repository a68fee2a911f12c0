from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.theme_list, name="theme_list"),
    path("moi/", views.theme_create, name="theme_create"),
    path("<int:pk>/", views.theme_detail, name="theme_detail"),
    path("<int:pk>/sua/", views.theme_edit, name="theme_edit"),
    path("<int:pk>/them-muc/", views.item_create, name="item_create"),
    path("muc/<int:pk>/", views.item_detail, name="item_detail"),
    path("muc/<int:pk>/sua/", views.item_edit, name="item_edit"),
    path("muc/<int:pk>/moc/", views.milestone_add, name="milestone_add"),
    path("muc/<int:pk>/moc/<int:milestone_pk>/xoa/", views.milestone_remove, name="milestone_remove"),
    path("muc/<int:pk>/gan-nhiem-vu/", views.item_link, name="item_link"),
    path("muc/<int:pk>/bo-nhiem-vu/<int:task_pk>/", views.item_unlink, name="item_unlink"),
    path("muc/<int:pk>/giao/", views.item_assign, name="item_assign"),
]
