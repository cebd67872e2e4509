"""/api/: the versioned REST API, its OpenAPI schema and documentation, and the token page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import token_views, views

app_name = "api"


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False  # JSON only: one URL per resource


router = Router()
router.register("units", views.UnitViewSet, basename="unit")
router.register("premises", views.PremisesViewSet, basename="premises")
router.register("checklists", views.ChecklistViewSet, basename="checklist")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("hazards", views.HazardViewSet, basename="hazard")
router.register("drills", views.DrillViewSet, basename="drill")
router.register("study-sessions", views.StudySessionViewSet, basename="study-session")
router.register("letters", views.LetterViewSet, basename="letter")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("facility-tests", views.FacilityTestViewSet, basename="facility-test")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation page: Swagger UI from the vendored sidecar files, its script served separately (CSP).
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
