from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<int:pk>/cay/", views.unit_tree_children, name="unit_tree_children"),
    path("don-vi/<int:pk>/dang-vien/", views.unit_members, name="unit_members"),
    path("don-vi/<int:pk>/lich-su/", views.unit_history, name="unit_history"),
    path("don-vi/<int:pk>/them/", views.unit_create, name="unit_create"),
    path("don-vi/<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<int:pk>/chuyen/", views.unit_move, name="unit_move"),
    path("don-vi/<int:pk>/hop-nhat/", views.unit_merge, name="unit_merge"),
    path("don-vi/<int:pk>/tim-don-vi/", views.unit_lookup, name="unit_lookup"),
    path("don-vi/<int:pk>/chia-tach/", views.unit_split, name="unit_split"),
    path("don-vi/<int:pk>/nhiem-ky/them/", views.term_create, name="term_create"),
    path("don-vi/<int:pk>/chuc-vu/them/", views.position_create, name="position_create"),
    path("nhiem-ky/<int:pk>/", views.term_detail, name="term_detail"),
    path("chuc-vu/<int:pk>/ket-thuc/", views.position_end, name="position_end"),
    path("nguoi/", views.person_list, name="person_list"),
    path("nguoi/tim/", views.person_lookup, name="person_lookup"),
    path("nguoi/<int:pk>/", views.person_detail, name="person_detail"),
]
