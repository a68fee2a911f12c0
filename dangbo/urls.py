from django.contrib.auth import views as auth_views
from django.urls import include, path

from dangbo.api import api
from dangbo.core import views as core_views

urlpatterns = [
    path("", include("dangbo.core.urls")),
    path("to-chuc/", include("dangbo.orgs.urls")),
    path("van-ban/", include("dangbo.documents.urls")),
    path("nhiem-vu/", include("dangbo.assignments.urls")),
    path("sinh-hoat/", include("dangbo.meetings.urls")),
    path("chu-de-nam/", include("dangbo.plans.urls")),
    path("cong-dan/", include("dangbo.citizens.urls")),
    path("", include("dangbo.people.urls")),
    path("bao-cao/", include("dangbo.reports.urls")),
    path(
        "dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", core_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        core_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
