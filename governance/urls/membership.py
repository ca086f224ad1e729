"""URLs of the membership pages (namespace governance): accession (art. 69-72) and the
supporter's signatures."""

from django.urls import path

from ..views import membership as views

urlpatterns: list = [
    path(
        "accession/apply/",
        views.AccessionApplyView.as_view(),
        name="accession_apply",
    ),
    path(
        "accession/apply/sent/",
        views.AccessionAppliedView.as_view(),
        name="accession_applied",
    ),
    path("accession/", views.AccessionListView.as_view(), name="accession_list"),
    path(
        "accession/<int:pk>/",
        views.AccessionDetailView.as_view(),
        name="accession_detail",
    ),
    path(
        "accession/<int:pk>/letter/",
        views.AccessionLetterView.as_view(),
        name="accession_letter",
    ),
    path(
        "accession/<int:pk>/announce/",
        views.AccessionAnnounceView.as_view(),
        name="accession_announce",
    ),
    path(
        "accession/<int:pk>/respond/",
        views.AccessionRespondView.as_view(),
        name="accession_respond",
    ),
    path(
        "accession/responses/<int:pk>/answer/",
        views.AccessionAnswerView.as_view(),
        name="accession_answer",
    ),
    path(
        "accession/<int:pk>/kerngroep/",
        views.AccessionToKerngroepView.as_view(),
        name="accession_to_kerngroep",
    ),
    path(
        "accession/<int:pk>/withdraw/",
        views.AccessionWithdrawView.as_view(),
        name="accession_withdraw",
    ),
    path(
        "supporter/texts/",
        views.SupporterTextsView.as_view(),
        name="supporter_texts",
    ),
    path(
        "supporter/texts/<slug:document>/sign/",
        views.SupporterSignView.as_view(),
        name="supporter_sign",
    ),
    path(
        "supporter/signatures/",
        views.SignatureListView.as_view(),
        name="signature_list",
    ),
    path(
        "organisations/<int:pk>/signatures/",
        views.OrganisationSignaturesView.as_view(),
        name="organisation_signatures",
    ),
]
