from django.urls import path

from . import views

urlpatterns = [
    path("", views.admission_pipeline, name="admission_pipeline"),
    path("moi/", views.candidate_create, name="candidate_create"),
    path("don-vi/tim/", views.unit_lookup, name="admission_unit_lookup"),
    path("chi-tieu/", views.admission_targets, name="admission_targets"),
    path("quy-dinh/", views.admission_rules, name="admission_rules"),
    path("<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/<slug:step>/", views.candidate_step, name="candidate_step"),
]
