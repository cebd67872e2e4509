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


@register(Tags.security, deploy=True)
def site_url_set(app_configs, **kwargs):
    """E-mails are sent by workers, which have no request: without SITE_URL their links point at 127.0.0.1."""
    if not settings.DEBUG and not getattr(settings, "SITE_URL_SET", True):
        return [
            Warning(
                "SITE_URL is not set: links in e-mails point at http://127.0.0.1:8000.",
                hint="Set SITE_URL to the address people open, e.g. https://safety.example.cn.",
                id="safetybank.W002",
            )
        ]
    return []
