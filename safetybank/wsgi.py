import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetybank.settings")
application = get_wsgi_application()

# A web process keeps what it loaded at start (settings, models, URLs, the views behind them) until it
# ends. Left to the garbage collector, those objects are scanned again in every full collection — about
# 80 ms, every few requests of a page that builds a thousand objects (head office's task queue), a
# long tail on every page. ``gc.freeze`` sets them aside once loaded: the collector scans only what
# requests make (docs/benchmarks.md, the "home" row).
get_resolver().url_patterns  # noqa: B018 (imports every view module before the freeze)
gc.freeze()
