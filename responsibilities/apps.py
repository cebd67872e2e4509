from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("Responsibilities")

    def ready(self):
        from responsibilities import permissions  # noqa: F401  (declares the actions)
        from responsibilities.registrations import register

        register()
        post_migrate.connect(_load_standard_content, sender=self)


def _load_standard_content(**kwargs):
    """Head office's standard templates and post duties are reference data: loaded (where none exist
    yet, edits are kept) by the one idempotent path every deployment runs, ``migrate``, and by the
    demo seed and a round's issuing, never by a page that only reads."""
    from responsibilities.services import standard_content_ensure

    standard_content_ensure()
