"""Form plumbing shared by every app."""

from __future__ import annotations

from django import forms


class ScopedModelForm(forms.ModelForm):
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
