from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("zhengxie.core.urls")),
    path("", include("zhengxie.proposals.urls")),
    path("", include("zhengxie.opinions.urls")),
    path("", include("zhengxie.figures.urls")),
    path("", include("zhengxie.search.urls")),
    path("public/", include("zhengxie.public.urls")),
]

handler403 = "zhengxie.core.views.errors.forbidden"
handler404 = "zhengxie.core.views.errors.not_found"
handler500 = "zhengxie.core.views.errors.server_error"
