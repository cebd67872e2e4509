"""Search-as-you-type for a choice among thousands (premises, people): a text box, not a <select>.

``SearchSelect(url_name)`` renders a hidden input carrying the chosen id under the field's name (so
``?premises=12`` keeps working in bookmarks and exports) and a visible combobox that asks
``url_name`` for at most ``SEARCH_LIMIT`` matches as the person types (htmx; the keyboard and the
choice are handled in ``static/js/search-select.js``). Only the chosen row is read, never the list.

The matches are those of the field's own queryset, not the whole of the person's scope: a form that
offers the staff of one unit must not offer, then refuse, someone of another. The queryset stays on
the server (``remember_choices``: the cache, under a name made from its SQL) and the box asks with that
name (``?within=``); the endpoint reads the rows through ``for_user`` and keeps those of the remembered
queryset (``recall_choices``), so a name can only narrow what the scope offers, never widen it.
"""

from __future__ import annotations

import hashlib
import re

from django import forms
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

# How long a page's search box keeps working: a form left open over a working day still searches.
CHOICES_KEPT_SECONDS = 24 * 3600
_CHOICES_KEY = "search-within:"
_TOKEN = re.compile(r"[0-9a-f]{32}")


def remember_choices(queryset) -> str:
    """Keep ``queryset`` (its query, not its rows) on the server; return the opaque name it is kept under.
    The same query is the same name, so a page shown a thousand times keeps one entry."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # ``.none()``: no SQL to name it by
        sql, params = "none", ()
    raw = f"{queryset.model._meta.label_lower}\0{sql}\0{params!r}"
    token = hashlib.sha256(raw.encode()).hexdigest()[:32]
    cache.set(_CHOICES_KEY + token, queryset.query, CHOICES_KEPT_SECONDS)
    return token


def recall_choices(model, token: str):
    """The queryset ``remember_choices`` kept under ``token``, if it is one of ``model``; else None (an
    unknown, expired or mistyped name)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    query = cache.get(_CHOICES_KEY + token)
    if query is None or query.model is not model:
        return None
    queryset = model._default_manager.all()
    queryset.query = query
    return queryset


class SearchSelect(forms.Widget):
    template_name = "branches/widgets/search_select.html"

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def queryset(self):
        """The field's (scoped, narrowed) queryset, read when the form is shown."""
        return getattr(getattr(self, "choices", None), "queryset", None)

    def search_url(self) -> str:
        """The endpoint, asked for the matches of the field's own queryset (see ``remember_choices``)."""
        queryset = self.queryset()
        url = reverse(self.url_name)
        return url if queryset is None else f"{url}?{urlencode({'within': remember_choices(queryset)})}"

    def chosen(self, value):
        """The object ``value`` names, read through the field's (scoped) queryset; None if none or invalid."""
        queryset = self.queryset()
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
        widget["url"] = self.search_url()
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
        queryset = self.queryset()
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
        widget["url"] = self.search_url()
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        return context

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no id sent means none chosen


SEARCH_URLS = {
    "branches.premises": "branches:premises_search",
    "branches.user": "branches:people_search",
    "branches.unit": "branches:unit_search",
}
# Up to this many choices a field stays a plain list (a <select> or checkboxes): an officer reporting at
# their one premises, or an outlet's dozen staff, choose in one tap rather than by typing.
SHORT_LIST = 30


def is_short(queryset) -> bool:
    """Whether ``queryset`` has at most ``SHORT_LIST`` rows (reads at most one more)."""
    return queryset[: SHORT_LIST + 1].count() <= SHORT_LIST


def search_as_you_type(form: forms.BaseForm) -> None:
    """Turn every choice of premises, people or units on ``form`` into a ``SearchSelect`` (or, for several, a
    ``SearchSelectMultiple``): a head office has a thousand units and thousands of premises and people, far
    too many for a <select>. A field of at most ``SHORT_LIST`` choices stays a list. Call it at the end of
    the form's ``__init__``, once the field's queryset is narrowed: the box searches within that queryset,
    and the choice is still checked against it."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        url_name = SEARCH_URLS.get(field.queryset.model._meta.label_lower)
        if url_name is None or is_short(field.queryset):
            continue
        kind = SearchSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else SearchSelect
        widget = kind(url_name, attrs=dict(field.widget.attrs))
        widget.is_required = field.required
        field.widget = widget
        widget.choices = field.choices  # read by ``chosen``: the field's (scoped) queryset
