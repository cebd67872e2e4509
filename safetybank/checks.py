from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def insecure_http_switch(app_configs, **kwargs):
    """Say loudly when the documented plain-HTTP switch is on."""
    if getattr(settings, "ALLOW_INSECURE_HTTP", False):
        return [
            Warning(
                "ALLOW_INSECURE_HTTP is on: cookies and passwords travel unencrypted.",
                hint="Only for a local production-like run; unset it on any real server.",
                id="safetybank.W001",
            )
        ]
    return []
