from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("activate/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path("manage/activation/", views.hr_activation, name="hr-activation"),
    path("manage/security/", views.hr_security, name="hr-security"),
]
