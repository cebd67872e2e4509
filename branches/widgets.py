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


class SearchSelectMultiple(SearchSelect):
    """``SearchSelect`` for several choices: a hidden input per chosen id (``?premises=1&premises=2``), shown
    as removable chips above the box; each match chosen is added. Only the chosen rows are read."""

    template_name = "branches/widgets/search_select_multiple.html"
    allow_multiple_selected = True

    def chosen_all(self, values) -> list:
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        ids = [str(v) for v in values or [] if str(v).isdigit()]
        if not ids or queryset is None:
            return []
        return list(queryset.filter(pk__in=ids))

    def format_value(self, value):
        if value is None:
            return []
        return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        widget["chosen"] = self.chosen_all(widget["value"])
        widget["url"] = reverse(self.url_name)
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        return context

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no id sent means none chosen


SEARCH_URLS = {"branches.premises": "branches:premises_search", "branches.user": "branches:people_search"}
# Up to this many choices a field stays a plain list (a <select> or checkboxes): an officer reporting at
# their one premises, or an outlet's dozen staff, choose in one tap rather than by typing.
SHORT_LIST = 30


def search_as_you_type(form: forms.BaseForm) -> None:
    """Turn every choice of premises or people on ``form`` into a ``SearchSelect`` (or, for several, a
    ``SearchSelectMultiple``): a head office
    has thousands of each, far too many for a <select>. A field of at most ``SHORT_LIST`` choices stays a
    list. Call it at the end of the form's ``__init__``, once the field's queryset is narrowed; the choice
    is still checked against that queryset."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        url_name = SEARCH_URLS.get(field.queryset.model._meta.label_lower)
        if url_name is None or field.queryset[: SHORT_LIST + 1].count() <= SHORT_LIST:
            continue
        kind = SearchSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else SearchSelect
        widget = kind(url_name, attrs=dict(field.widget.attrs))
        widget.is_required = field.required
        field.widget = widget
        widget.choices = field.choices  # read by ``chosen``: the field's (scoped) queryset
