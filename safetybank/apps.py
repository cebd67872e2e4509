from django.apps import AppConfig


class SafetybankConfig(AppConfig):
    name = "safetybank"
    verbose_name = "SafetyBank"

    def ready(self):
        from safetybank import checks  # noqa: F401  (registers the deploy checks)
