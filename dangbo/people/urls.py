from django.urls import include, path

app_name = "people"
urlpatterns = [
    path("dang-vien/", include("dangbo.people.members.urls")),
    path("ket-nap/", include("dangbo.people.admission.urls")),
    path("can-bo/", include("dangbo.people.cadres.urls")),
    path("danh-gia/", include("dangbo.people.ratings.urls")),
]
