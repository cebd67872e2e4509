"""Forms of the shared mechanisms, and the attachment field every feature's forms use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Premises
from branches.widgets import search_as_you_type
from core.models import CalendarDay
from core.uploads import CheckedUpload, check_upload
from safetybank.forms import SafeForm, SafeModelForm

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    """A file field that applies the upload policy; ``cleaned_data`` holds ``CheckedUpload`` objects.

    ``AttachmentField()`` takes one file; ``AttachmentField(multiple=True)`` takes several
    (photos from a phone) and cleans to a list. Hand the result to
    ``core.services.attachment_create`` / ``attachments_create``.
    """

    default_error_messages = {"too_many": _("Attach at most %(limit)s files at a time.")}

    def __init__(self, *, multiple: bool = False, max_files: int = 20, **kwargs):
        self.multiple = multiple
        self.max_files = max_files
        kwargs.setdefault("label", _("Photos or PDF documents") if multiple else _("Photo or PDF document"))
        kwargs.setdefault(
            "help_text", _("Photos (JPEG, PNG, WebP) or PDF documents; location data is removed from photos.")
        )
        widget = MultipleFileInput if multiple else forms.ClearableFileInput
        kwargs.setdefault("widget", widget(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not self.multiple:
            upload = super().clean(data, initial)
            return check_upload(upload) if upload else upload
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": self.max_files}
            )
        checked: list[CheckedUpload] = []
        errors: list[forms.ValidationError] = []
        for upload in files:
            try:
                checked.append(check_upload(super().clean(upload, initial)))
            except forms.ValidationError as exc:
                errors.append(exc)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class AttachmentForm(SafeForm):
    """The smallest form with one attachment: for upload pages and for tests of the policy."""

    file = AttachmentField()


class CalendarDayForm(SafeModelForm):
    """Head office enters a holiday or a make-up working day."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        required=False,
        help_text=_("For example: the State Council notice that published the arrangement."),
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "festival", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        error_messages = {"date": {"unique": _("This date is already in the calendar; change or remove it there.")}}


class TaskFilterForm(SafeForm):
    """The home page's premises filter: the premises that have open tasks for this person — a list while
    they are few, a search box when they are many (head office's queue spans a thousand premises)."""

    premises = forms.ModelChoiceField(
        queryset=Premises.objects.none(), required=False, label=_("Premises"), empty_label=_("All premises")
    )

    def __init__(self, *args, user, premises_ids, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["premises"]
        field.queryset = Premises.objects.for_user(user).filter(pk__in=premises_ids).order_by("name")
        field.widget.attrs.update({"id": "task-premises", "class": "form-select form-select-sm"})
        search_as_you_type(self)
