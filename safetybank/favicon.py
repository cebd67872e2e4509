"""``/favicon.ico``: browsers ask for it on every site whatever the page says; answered from the
vendored icon (``static/favicon.ico``), to anyone, signed in or not."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    return FileResponse(ICON.open("rb"), content_type="image/x-icon")
