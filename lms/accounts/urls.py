from django.urls import path

from . import api_tokens, views

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
    path("tokens/", api_tokens.token_page, name="api-tokens"),
    path("manage/activation/", views.hr_activation, name="hr-activation"),
    path("manage/security/", views.hr_security, name="hr-security"),
    path("mfa/", views.mfa_manage, name="mfa"),
    path("mfa/qr.svg", views.mfa_qr, name="mfa-qr"),
    path("mfa/verify/", views.mfa_verify, name="mfa-verify"),
]
