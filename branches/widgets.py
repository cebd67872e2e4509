"""Search-as-you-type for a choice among thousands (premises, people): a text box, not a <select>.

``SearchSelect(url_name)`` renders a hidden input carrying the chosen id under the field's name (so
``?premises=12`` keeps working in bookmarks and exports) and a visible combobox that asks
``url_name`` for at most ``SEARCH_LIMIT`` matches as the person types (htmx; the keyboard and the
choice are handled in ``static/js/search-select.js``). Only the chosen row is read, never the list.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse


class SearchSelect(forms.Widget):
    template_name = "branches/widgets/search_select.html"

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def chosen(self, value):
        """The object ``value`` names, read through the field's (scoped) queryset; None if none or invalid."""
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        if value in (None, "") or queryset is None:
            return None
        try:
            return queryset.filter(pk=value).first()
        except (ValueError, TypeError, ValidationError):
            return None

    def format_value(self, value):
        return "" if value is None else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = self.chosen(value)
        widget = context["widget"]
        widget["chosen"] = chosen
        widget["value"] = str(chosen.pk) if chosen else ""
        widget["url"] = reverse(self.url_name)
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/), not the form renderer's (Django's own widgets only).
        return render_to_string(template_name, context)

    def value_from_datadict(self, data, files, name):
        return data.get(name)
