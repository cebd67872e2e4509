"""Moved to ``safetybank/views.py`` (``ObjectListView``, ``ObjectDetailView``, ``ObjectEditView``).

The old names stay importable while other branches still use them; new code imports from
``safetybank.views``.
"""

from safetybank.views import ObjectDetailView as ScopedDetailView
from safetybank.views import ObjectEditView as ScopedCreateView
from safetybank.views import ObjectEditView as ScopedUpdateView
from safetybank.views import ObjectListView as ScopedListView
from safetybank.views import ScopedFormMixin, ScopedMixin

__all__ = [
    "ScopedCreateView",
    "ScopedDetailView",
    "ScopedFormMixin",
    "ScopedListView",
    "ScopedMixin",
    "ScopedUpdateView",
]
