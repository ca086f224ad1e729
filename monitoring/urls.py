from django.urls import path

from . import views  # noqa: F401

app_name = "monitoring"

urlpatterns: list = []

# Frameworks, rounds and the secretariat's overview (views/secretariat.py)
from .views import secretariat  # noqa: E402

urlpatterns += [
    path(
        "frameworks/",
        secretariat.FrameworkListView.as_view(),
        name="framework_list",
    ),
    path(
        "frameworks/upload/",
        secretariat.FrameworkUploadView.as_view(),
        name="framework_upload",
    ),
    path(
        "frameworks/<int:pk>/",
        secretariat.FrameworkDetailView.as_view(),
        name="framework_detail",
    ),
    path(
        "frameworks/<int:pk>/download/",
        secretariat.FrameworkDownloadView.as_view(),
        name="framework_download",
    ),
    path("rounds/", secretariat.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", secretariat.RoundCreateView.as_view(), name="round_create"),
    path(
        "rounds/<int:pk>/", secretariat.RoundDetailView.as_view(), name="round_detail"
    ),
    path(
        "rounds/<int:pk>/edit/",
        secretariat.RoundUpdateView.as_view(),
        name="round_update",
    ),
    path(
        "rounds/<int:pk>/status/",
        secretariat.RoundStatusView.as_view(),
        name="round_status",
    ),
    path(
        "rounds/<int:pk>/invite/",
        secretariat.RoundInviteView.as_view(),
        name="round_invite",
    ),
    path(
        "rounds/<int:pk>/remind/",
        secretariat.RoundRemindView.as_view(),
        name="round_remind",
    ),
    path("overview/", secretariat.OverviewView.as_view(), name="overview"),
    path("ledger/<int:pk>/", secretariat.LedgerView.as_view(), name="ledger"),
]

# The company's questionnaire, evidence and results (views/company.py)
from .views import company  # noqa: E402

urlpatterns += [
    path("assessments/", company.AssessmentListView.as_view(), name="assessment_list"),
    path(
        "assessments/<int:pk>/profile/",
        company.AssessmentProfileView.as_view(),
        name="assessment_profile",
    ),
    path(
        "assessments/<int:pk>/steps/<str:step>/",
        company.AssessmentStepView.as_view(),
        name="assessment_step",
    ),
    path(
        "assessments/<int:pk>/answers/<str:code>/",
        company.AnswerSaveView.as_view(),
        name="answer_save",
    ),
    path(
        "assessments/<int:pk>/answers/<str:code>/evidence/",
        company.EvidenceUploadView.as_view(),
        name="evidence_upload",
    ),
    path(
        "evidence/<int:pk>/",
        company.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    path(
        "evidence/<int:pk>/delete/",
        company.EvidenceDeleteView.as_view(),
        name="evidence_delete",
    ),
    path(
        "assessments/<int:pk>/review/",
        company.AssessmentReviewView.as_view(),
        name="assessment_review",
    ),
    path(
        "assessments/<int:pk>/submit/",
        company.AssessmentSubmitView.as_view(),
        name="assessment_submit",
    ),
    path(
        "assessments/<int:pk>/result/",
        company.AssessmentResultView.as_view(),
        name="assessment_result",
    ),
    path(
        "assessments/<int:pk>/resubmit/",
        company.AssessmentResubmitView.as_view(),
        name="assessment_resubmit",
    ),
    path(
        "assessments/<int:pk>/copy-forward/",
        company.AssessmentCopyForwardView.as_view(),
        name="assessment_copy_forward",
    ),
]

# Improvement window, talks and review comments (views/followup.py)
from .views import followup  # noqa: E402

urlpatterns += [
    path("talks/", followup.TalkQueueView.as_view(), name="talk_queue"),
    path(
        "assessments/<int:pk>/talks/new/",
        followup.TalkCreateView.as_view(),
        name="talk_create",
    ),
    path(
        "assessments/<int:pk>/talks/",
        followup.TalkListView.as_view(),
        name="talk_list",
    ),
    path("talks/<int:pk>/", followup.TalkDetailView.as_view(), name="talk_detail"),
    path("talks/<int:pk>/edit/", followup.TalkUpdateView.as_view(), name="talk_update"),
    path(
        "talks/<int:pk>/cancel/", followup.TalkCancelView.as_view(), name="talk_cancel"
    ),
    path("talks/<int:pk>/notes/", followup.TalkNotesView.as_view(), name="talk_notes"),
    path(
        "talks/<int:pk>/actions/",
        followup.TalkActionAddView.as_view(),
        name="talk_action_add",
    ),
    path(
        "talk-actions/<int:pk>/",
        followup.TalkActionUpdateView.as_view(),
        name="talk_action_update",
    ),
    path(
        "assessments/<int:pk>/secretariat-review/",
        followup.AssessmentReviewSecretariatView.as_view(),
        name="assessment_review_secretariat",
    ),
    path(
        "answers/<int:pk>/comments/",
        followup.CommentAddView.as_view(),
        name="comment_add",
    ),
    path(
        "comments/<int:pk>/reply/",
        followup.CommentReplyView.as_view(),
        name="comment_reply",
    ),
    path(
        "comments/<int:pk>/resolve/",
        followup.CommentResolveView.as_view(),
        name="comment_resolve",
    ),
    path(
        "assessments/<int:pk>/clarifications/",
        followup.ClarificationListView.as_view(),
        name="clarification_list",
    ),
]

# Plans of approach and risk analyses (views/plans.py)
from .views import plans  # noqa: E402

urlpatterns += [
    path("plans/", plans.PlanYearListView.as_view(), name="plan_list"),
    path("plans/overview/", plans.PlanOverviewView.as_view(), name="plan_overview"),
    path("plans/<int:year>/", plans.PlanEditView.as_view(), name="plan_edit"),
    path("plans/file/<int:pk>/", plans.PlanFileView.as_view(), name="plan_file"),
    path(
        "plans/company/<int:pk>/<int:year>/",
        plans.CompanyPlanView.as_view(),
        name="company_plan",
    ),
    path("plans/<int:year>/risks/", plans.RiskListView.as_view(), name="risk_list"),
    path(
        "plans/<int:year>/risks/new/",
        plans.RiskCreateView.as_view(),
        name="risk_create",
    ),
    path(
        "plans/<int:year>/risks/copy/",
        plans.RiskCopyForwardView.as_view(),
        name="risk_copy_forward",
    ),
    path("risks/<int:pk>/edit/", plans.RiskUpdateView.as_view(), name="risk_update"),
    path("risks/<int:pk>/delete/", plans.RiskDeleteView.as_view(), name="risk_delete"),
]

# NGO insight under a confidentiality agreement, art. 13 (views/insight.py)
from .views import insight  # noqa: E402

urlpatterns += [
    path("insight/", insight.InsightCompanyListView.as_view(), name="insight_list"),
    path(
        "insight/companies/<int:pk>/",
        insight.InsightCompanyView.as_view(),
        name="insight_company",
    ),
    path(
        "insight/grants/",
        insight.InsightGrantListView.as_view(),
        name="insight_grant_list",
    ),
    path(
        "insight/grants/new/",
        insight.InsightGrantCreateView.as_view(),
        name="insight_grant_create",
    ),
    path(
        "insight/grants/module/",
        insight.InsightModuleGrantView.as_view(),
        name="insight_grant_module",
    ),
    path(
        "insight/grants/<int:pk>/revoke/",
        insight.InsightGrantRevokeView.as_view(),
        name="insight_grant_revoke",
    ),
    path(
        "insight/access-log/",
        insight.InsightAccessLogView.as_view(),
        name="insight_access_log",
    ),
]
