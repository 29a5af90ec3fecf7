from django.contrib.auth import views as auth_views
from django.urls import path

from .views import audit, auth, home, notifications, org, roles, roster

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/switch/", auth.switch_org, name="switch_org"),
    path("accounts/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("roster/", roster.roster_list, name="roster"),
    path("roster/new/", roster.member_create, name="member_create"),
    path("roster/import/", roster.roster_import, name="roster_import"),
    path("roster/import/template.xlsx", roster.import_template, name="import_template"),
    path("roster/import/<int:pk>/", roster.import_detail, name="import_detail"),
    path("roster/import/<int:pk>/report.xlsx", roster.import_report, name="import_report"),
    path("roster/<int:pk>/", roster.member_detail, name="member_detail"),
    path("roster/<int:pk>/edit/", roster.member_edit, name="member_edit"),
    path("roster/<int:pk>/status/", roster.member_status, name="member_status"),
    path("roster/<int:pk>/password/", roster.member_password, name="member_password"),
    path("org/", org.org_settings, name="org_settings"),
    path("org/<slug:kind>/", org.record_list, name="record_list"),
    path("org/<slug:kind>/new/", org.record_edit, name="record_create"),
    path("org/<slug:kind>/<int:pk>/edit/", org.record_edit, name="record_edit"),
    path("roles/", roles.role_list, name="roles"),
    path("roles/new/", roles.role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/", roles.role_revoke, name="role_revoke"),
    path("audit/", audit.audit_list, name="audit"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/read-all/", notifications.notification_read_all, name="notifications_read_all"),
]
