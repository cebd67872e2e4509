"""Form plumbing shared by every app.

Every form of the project is a ``SafeForm`` or ``SafeModelForm`` (``ScopedModelForm`` is one), so
text input is made safe at the form boundary, once:

- control characters (C0, except tab, line feed and carriage return) are removed from every text
  field before it is validated: they cannot be typed, break XLSX exports and PostgreSQL refuses NUL;
- a text field without a maximum gets one (``LINE_MAX_LENGTH`` on one line, ``TEXT_MAX_LENGTH`` in a
  text area), so a 100,000-character paste is a form error that states the limit; the browser is told
  the limit too (``maxlength``), and a text area says it in its help text;
- a form sent back with errors says, next to each file field a file was chosen for, to choose it again
  (a browser cannot be given the chosen files back);
- a choice of several rows refuses an id no database integer can hold as an invalid choice, where SQLite
  would fail the query (``IdsField``).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

LINE_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 5000

CHOOSE_AGAIN = _("Choose the file again: files are not kept when a form comes back with errors.")

ID_LIMIT = 2**63  # PostgreSQL's bigint, SQLite's INTEGER


class IdsField(forms.ModelMultipleChoiceField):
    """Django's choice of several rows, except that an id past 64 bits is an invalid choice like any other
    unknown id: Django's ``__in`` query over it raises ``OverflowError`` on SQLite (a 500)."""

    def _check_values(self, value):
        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("+-").isdigit() and not -ID_LIMIT <= int(text) < ID_LIMIT:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


# C0 control characters except \t \n \r: what openpyxl cannot write and PostgreSQL cannot store (NUL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_controls(value: str) -> str:
    """``value`` without the control characters no one means to type (tab and line breaks stay)."""
    return CONTROL_CHARACTERS.sub("", value)


def limit_help_text(limit: int) -> str:
    return ngettext_lazy("At most %(limit)d character.", "At most %(limit)d characters.", limit) % {"limit": limit}


def clean_text(value: str, *, limit: int, label: str = "") -> str:
    """Text typed outside a form (an HTMX answer): stripped of control characters, refused past ``limit``.

    Refusing rather than cutting: a note silently cut short is a record that says less than its author wrote.
    """
    value = strip_controls(value or "").strip()
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s is too long: at most %(limit)d characters (it has %(length)d).")
            % {"field": label or _("The text"), "limit": limit, "length": len(value)},
            code="max_length",
        )
    return value


class SafeTextMixin:
    """Strip control characters from bound text and give every text field a stated maximum.

    Applied when the form is built and again before it is cleaned, so a field a subclass adds in
    its own ``__init__`` is covered too.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._make_text_safe()

    def full_clean(self):
        self._make_text_safe()
        super().full_clean()
        self._ask_for_files_again()

    def _ask_for_files_again(self) -> None:
        """A page sent back with errors cannot give the browser the chosen files back: say so next to
        each file field a file was chosen for, so no one submits again believing their photos are there."""
        if not self.is_bound or not self._errors or not self.files:
            return
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            chosen = self.files.getlist(key) if hasattr(self.files, "getlist") else [self.files.get(key)]
            if isinstance(field, forms.FileField) and any(chosen) and not getattr(field, "_asked_again", False):
                field.help_text = format_html(
                    '<strong class="text-danger choose-again">{}</strong> {}', CHOOSE_AGAIN, field.help_text
                )
                field._asked_again = True
                self[name].help_text = field.help_text  # the bound field, made while cleaning, copied it

    def values(self, *names: str) -> dict:
        """The cleaned values of ``names``, by name, to pass on as a service's keywords of the same names:
        ``services.staff_transfer(staff=..., by=..., **form.values("unit", "post", "reason"))``."""
        return {name: self.cleaned_data[name] for name in names}

    def add_error(self, field, error):
        super().add_error(field, error)
        if getattr(self, "cleaned_data", None) is not None:  # a service's refusal after cleaning
            self._ask_for_files_again()

    def _make_text_safe(self) -> None:
        keys = []
        for name, field in self.fields.items():
            if type(field) is forms.ModelMultipleChoiceField:  # a ModelForm's many-to-many, a plain declaration
                field.__class__ = IdsField
            if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
                continue
            if not getattr(field, "_limit_stated", False) and not isinstance(field.widget, forms.HiddenInput):
                _limit(field)
            keys.append(self.add_prefix(name))
        if self.is_bound and keys:
            self.data = _stripped(self.data, keys)


def _limit(field: forms.CharField) -> None:
    area = isinstance(field.widget, forms.Textarea)
    if field.max_length is None:
        field.max_length = TEXT_MAX_LENGTH if area else LINE_MAX_LENGTH
        field.validators.append(MaxLengthValidator(field.max_length))
    field.widget.attrs.setdefault("maxlength", str(field.max_length))
    if area:
        stated = limit_help_text(field.max_length)
        field.help_text = f"{field.help_text} {stated}" if field.help_text else stated
    field._limit_stated = True


def _stripped(data, keys):
    data = data.copy()
    for key in keys:
        if hasattr(data, "getlist"):
            values = data.getlist(key)
            if values:
                data.setlist(key, [strip_controls(v) if isinstance(v, str) else v for v in values])
        elif isinstance(data.get(key), str):
            data[key] = strip_controls(data[key])
    return data


class SafeForm(SafeTextMixin, forms.Form):
    """The base of every plain form."""


class SafeModelForm(SafeTextMixin, forms.ModelForm):
    """The base of every model form."""


class ScopedModelForm(SafeModelForm):
    """A ModelForm that narrows every foreign-key and many-to-many choice to the user's scope.

    A choice field whose model has a scoped queryset (``for_user``) is restricted with it;
    name a field in ``visible_to_fields`` to use ``visible_to`` (reference data from above).
    A POSTed id outside the scope is then an ordinary "select a valid choice" form error.
    """

    visible_to_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        restrict_choices(self, user, self.visible_to_fields)


def restrict_choices(form: forms.BaseForm, user, visible_to_fields=()) -> None:
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not hasattr(queryset, "for_user"):
            continue
        method = "visible_to" if name in visible_to_fields else "for_user"
        field.queryset = getattr(queryset, method)(user)
