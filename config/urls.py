from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve as media_serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.common.discovery import app_modules

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("lms.accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("", include("lms.site.urls")),
] + [path("", include(module)) for module in app_modules("urls")
      if module not in ("lms.accounts.urls", "lms.site.urls")]  # those two: above

# Of the media files only Wagtail's images (originals and renditions, public by Wagtail's design) are served
# as files, in every profile; talks, H5P packages, documents and exports go through views that check who asks.
if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>(?:original_images|images)/.+)$",
                               media_serve, {"document_root": settings.MEDIA_ROOT}))

urlpatterns.append(path("", include(wagtail_urls)))

handler400 = "lms.site.views.bad_request"
handler403 = "lms.site.views.permission_denied"
handler404 = "lms.site.views.page_not_found"
handler500 = "lms.site.views.server_error"
