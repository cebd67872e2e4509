from django.urls import path

from responsibilities import views

app_name = "responsibilities"

urlpatterns = [
    path("letters/", views.LetterListView.as_view(), name="letter_list"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("letters/<int:pk>/paper/", views.letter_paper, name="letter_paper"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/issue/", views.round_issue, name="round_issue"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/countersign/", views.round_countersign, name="round_countersign"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/remind/", views.coverage_remind, name="coverage_remind"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("duties/", views.postduty_list, name="postduty_list"),
    path("duties/<int:pk>/edit/", views.postduty_edit, name="postduty_edit"),
    path("staff/<int:pk>/", views.staff_responsibilities, name="staff_responsibilities"),
    path("committee/", views.committee, name="committee"),
    path("committee/<int:unit_pk>/add/", views.committee_add, name="committee_add"),
    path("committee/seats/<int:pk>/end/", views.committee_end, name="committee_end"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:unit_pk>/assign/", views.roster_assign, name="roster_assign"),
    path("roster/days/<int:pk>/remove/", views.roster_remove, name="roster_remove"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.AgreementEditView.as_view(), name="agreement_create"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.AgreementEditView.as_view(), name="agreement_update"),
]
