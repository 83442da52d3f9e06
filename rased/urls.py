from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from rased.admin import site as admin_site

urlpatterns = [
    path("", include("eleves.urls")),
    path("", include("aides.urls")),
    path("gestion/", admin_site.urls),
    # Browsers ask for /favicon.ico where a page names no icon: a PDF shown in their viewer.
    # Lazy: resolved at the first request, not at import (migrate runs before collectstatic);
    # temporary: the icon's hashed name changes with each release.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=False)),
]

handler404 = "eleves.views.page_introuvable"
