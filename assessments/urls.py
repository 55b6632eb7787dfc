from django.urls import path

from assessments import (
    views,
    views_evidence,
    views_exports,
    views_portfolio,
    views_reports,
    views_review,
    views_team,
    views_versions,
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("regions/<int:region_id>/assessments/new/", views.create_assessment, name="create_assessment"),
    path("assessments/<int:assessment_id>/", views.questionnaire, name="questionnaire"),
    path("assessments/<int:assessment_id>/submit/", views.submit, name="submit"),
    path("assessments/<int:assessment_id>/reopen/", views.reopen, name="reopen"),
    path("assessments/<int:assessment_id>/comments/", views.comment, name="comment"),
    path("assessments/<int:assessment_id>/results/", views.results, name="results"),
    path("assessments/<int:assessment_id>/report.pdf", views_reports.report_pdf, name="report_pdf"),
    path("assessments/<int:assessment_id>/report.docx", views_reports.report_docx, name="report_docx"),
    path("assessments/<int:assessment_id>/report/prepare", views_reports.report_prepare, name="report_prepare"),
    path("assessments/<int:assessment_id>/report/status", views_reports.report_status, name="report_status"),
    path("assessments/<int:assessment_id>/plan/", views.plan_add, name="plan_add"),
    path("assessments/<int:assessment_id>/plan/<int:item_id>/", views.plan_edit, name="plan_edit"),
    path("assessments/<int:assessment_id>/plan/<int:item_id>/delete/", views.plan_delete, name="plan_delete"),
    path("regions/<int:region_id>/", views.region_history, name="region_history"),
]

urlpatterns += [
    path("assessments/<int:assessment_id>/export.xlsx", views_exports.assessment_xlsx, name="assessment_export_xlsx"),
    path("assessments/<int:assessment_id>/export.csv", views_exports.assessment_csv, name="assessment_export_csv"),
    path("portfolio/", views_portfolio.portfolio_page, name="portfolio"),
    path("portfolio/export.xlsx", views_exports.portfolio_xlsx, name="portfolio_export_xlsx"),
    path("portfolio/export.csv", views_exports.portfolio_csv, name="portfolio_export_csv"),
    path("portfolio/report.pdf", views_portfolio.portfolio_report_pdf, name="portfolio_report_pdf"),
]

urlpatterns += [
    path("assessments/<int:assessment_id>/move/", views_versions.move_to_new_edition, name="move_assessment"),
]

urlpatterns += [
    path("assessments/<int:assessment_id>/team/", views_team.team_page, name="team"),
    path("assessments/<int:assessment_id>/team/invite/", views_team.team_invite, name="team_invite"),
    path("assessments/<int:assessment_id>/team/assign/", views_team.team_assign, name="team_assign"),
    path("assessments/<int:assessment_id>/team/<int:assignment_id>/reassign/", views_team.team_reassign,
         name="team_reassign"),
    path("assessments/<int:assessment_id>/team/<int:assignment_id>/unassign/", views_team.team_unassign,
         name="team_unassign"),
    path("assessments/<int:assessment_id>/consensus/<str:part>/", views_team.consensus, name="consensus"),
    path("assessments/<int:assessment_id>/review/", views_review.review_page, name="review"),
    path("assessments/<int:assessment_id>/review/start/", views_review.review_start, name="review_start"),
    path("assessments/<int:assessment_id>/review/mark/", views_review.review_mark, name="review_mark"),
    path("assessments/<int:assessment_id>/review/respond/", views_review.review_respond, name="review_respond"),
    path("assessments/<int:assessment_id>/review/verify/", views_review.review_verify, name="review_verify"),
    path("inbox/", views_review.inbox_page, name="inbox"),
    path("inbox/read/", views_review.inbox_read, name="inbox_read"),
    path("assessments/<int:assessment_id>/evidence/<int:indicator_id>/upload/", views_evidence.upload,
         name="evidence_upload"),
    path("assessments/<int:assessment_id>/evidence/files/<int:file_id>/", views_evidence.download,
         name="evidence_download"),
    path("assessments/<int:assessment_id>/evidence/files/<int:file_id>/delete/", views_evidence.delete,
         name="evidence_delete"),
    path("assessments/<int:assessment_id>/evidence.zip", views_evidence.evidence_zip_download, name="evidence_zip"),
]
