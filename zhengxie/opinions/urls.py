from django.urls import path

from .views import analysis, issues, officers, reports

app_name = "opinions"

urlpatterns = [
    # submitters and editors: the reports
    path("opinions/", reports.mine, name="mine"),
    path("opinions/new/", reports.create, name="create"),
    path("opinions/inbox/", reports.inbox, name="inbox"),
    path("opinions/all/", reports.register, name="register"),
    path("opinions/<int:pk>/", reports.detail, name="detail"),
    path("opinions/<int:pk>/edit/", reports.edit, name="edit"),
    path("opinions/<int:pk>/submit/", reports.submit, name="submit"),
    path("opinions/<int:pk>/withdraw/", reports.withdraw, name="withdraw"),
    path("opinions/<int:pk>/attach/", reports.attach, name="attach"),
    path("opinions/<int:pk>/receive/", reports.receive, name="receive"),
    path("opinions/<int:pk>/revise/", reports.revise, name="revise"),
    path("opinions/<int:pk>/not-adopt/", reports.not_adopt, name="not_adopt"),
    path("opinions/<int:pk>/include/", reports.include, name="include"),
    path("opinions/<int:pk>/merge/", reports.merge, name="merge"),
    path("opinions/<int:pk>/exclude/", reports.exclude, name="exclude"),
    path("opinions/<int:pk>/forward/", reports.forward, name="forward"),
    path("opinions/<int:pk>/instruct/", reports.instruct, name="instruct"),
    path("opinions/<int:pk>/feedback/", reports.feedback, name="feedback"),
    path("opinions/attachments/<int:pk>/", reports.download, name="download"),
    path("opinions/attachments/<int:pk>/delete/", reports.remove_attachment, name="remove_attachment"),
    # issues (期)
    path("opinions/issues/", issues.issue_list, name="issues"),
    path("opinions/issues/new/", issues.issue_create, name="issue_create"),
    path("opinions/issues/<int:pk>/", issues.issue_detail, name="issue"),
    path("opinions/issues/<int:pk>/lines/", issues.issue_lines, name="issue_lines"),
    path("opinions/issues/<int:pk>/signoff/", issues.signoff, name="signoff"),
    path("opinions/issues/<int:pk>/recall/", issues.recall, name="recall"),
    path("opinions/issues/<int:pk>/sign/", issues.sign, name="sign"),
    path("opinions/issues/<int:pk>/return/", issues.send_back, name="return"),
    path("opinions/issues/<int:pk>/publish/", issues.publish, name="publish"),
    path("opinions/issues/<int:pk>/delete/", issues.delete, name="issue_delete"),
    path("opinions/issues/<int:pk>.docx", issues.issue_docx, name="issue_docx"),
    path("opinions/items/<int:pk>/", issues.item_edit, name="item"),
    path("opinions/items/<int:pk>/move/", issues.item_move, name="item_move"),
    # analysis, scoring and quotas
    path("opinions/analysis/", analysis.analysis, name="analysis"),
    path("opinions/analysis/export.xlsx", analysis.analysis_xlsx, name="analysis_xlsx"),
    path("opinions/rankings/", analysis.rankings, name="rankings"),
    path("opinions/rules/", analysis.rules, name="rules"),
    path("opinions/quotas/", analysis.quotas, name="quotas"),
    # the office: information officers and settings
    path("opinions/officers/", officers.officer_list, name="officers"),
    path("opinions/officers/new/", officers.officer_create, name="officer_create"),
    path("opinions/officers/<int:pk>/", officers.officer_edit, name="officer"),
    path("opinions/settings/", officers.settings_view, name="settings"),
]
