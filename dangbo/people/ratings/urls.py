from django.urls import path

from . import views

urlpatterns = [
    path("", views.rating_home, name="rating_home"),
    path("dot/<int:pk>/", views.rating_campaign, name="rating_campaign"),
    path("dot/<int:pk>/tien-do/", views.rating_campaign_progress, name="rating_campaign_progress"),
    path("dot/<int:pk>/dien-truoc/", views.rating_campaign_prefill, name="rating_campaign_prefill"),
    path("dot/<int:pk>/xuat/<str:fmt>/", views.rating_campaign_export, name="rating_campaign_export"),
    path("<int:pk>/", views.rating_detail, name="rating_detail"),
    path("don-vi/tim/", views.unit_lookup, name="rating_unit_lookup"),
    path("ky-luat/them/", views.rating_discipline_create, name="rating_discipline_create"),
]
