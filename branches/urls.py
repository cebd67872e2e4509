from django.urls import path  # noqa: F401  (pages arrive in the next commits)

app_name = "branches"

urlpatterns: list = [
    # Organisation pages are added here.
]
