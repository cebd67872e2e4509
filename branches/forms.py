from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, PasswordChangeForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import PART_TIME_POSTS, Post, UnitKind
from branches.models import Acting, Premises, Unit, User
from branches.widgets import search_as_you_type
from safetybank.forms import SafeForm, ScopedModelForm


class SafetyPasswordChangeForm(PasswordChangeForm):
    """Django's password change, refusing a new password equal to the old one."""

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError(_("The new password must differ from the current one."), code="same")
        return new


class LinkSetPasswordForm(SetPasswordForm):
    """The new password chosen through a one-time link, saved through the audited service."""

    def save(self, commit=True):
        from branches.services import staff_password_set

        return staff_password_set(
            staff=self.user,
            password=self.cleaned_data["new_password1"],
            by=self.user,
            reason="staff.password_link",
        )


class AuditedAdminPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form: it only prepares; ``UserAdmin.log_change`` saves through the service.

    The admin view calls ``form.save()`` without the request; it logs the change with the
    request right after, which is where we know who did it.
    """

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        self.user._admin_new_password = self.cleaned_data["password1"] if usable else None
        if usable:
            self.user.set_password(self.cleaned_data["password1"])  # so the admin's message reads right
        else:
            self.user.set_unusable_password()
        return self.user


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_("Kept in the audit trail."),
    )


class UnitForm(ReasonMixin, ScopedModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "kind", "department_kind", "parent", "phone", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_as_you_type(self)  # a thousand units at a head office: a search box

    def clean(self):
        cleaned = super().clean()
        kind, parent = cleaned.get("kind"), cleaned.get("parent")
        if kind == UnitKind.HEAD_OFFICE and parent is not None:
            self.add_error("parent", _("A head office has no parent unit."))
        if kind and kind != UnitKind.HEAD_OFFICE and parent is None:
            self.add_error("parent", _("Choose the unit this one belongs to."))
        if kind == UnitKind.DEPARTMENT and not cleaned.get("department_kind"):
            self.add_error("department_kind", _("Say which department this is."))
        if self.instance.pk and parent is not None and parent.path.startswith(self.instance.path):
            self.add_error("parent", _("A unit cannot be moved below itself."))
        return cleaned


class PremisesForm(ReasonMixin, ScopedModelForm):
    class Meta:
        model = Premises
        fields = ["name", "code", "kind", "unit", "address", "area", "opens_at", "closes_at", "open_24h", "phone"]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_as_you_type(self)  # a thousand units at a head office: a search box

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if not cleaned.get("open_24h"):
            if not opens or not closes:
                self.add_error("opens_at", _("Give the opening and closing times, or tick open 24 hours."))
            elif closes <= opens:
                self.add_error("closes_at", _("The closing time must be after the opening time."))
        return cleaned


class StaffForm(ReasonMixin, ScopedModelForm):
    contracted = forms.ModelMultipleChoiceField(
        label=_("Contracted premises"),
        queryset=Premises.objects.all(),
        required=False,
        help_text=_("Security department staff inspect these premises every week."),
        widget=forms.CheckboxSelectMultiple,
    )
    part_time_posts = forms.MultipleChoiceField(
        label=_("Part-time posts"),
        choices=[(post.value, post.label) for post in PART_TIME_POSTS],
        required=False,
        help_text=_("Security posts held besides the main post, e.g. a teller who is a volunteer firefighter."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "username",
            "unit",
            "post",
            "part_time_posts",
            "home_premises",
            "phone",
            "email",
            "employee_number",
            "start_date",
            "language",
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].help_text = _("Family name first, as on the identity card, e.g. 张伟.")
        self.fields["unit"].required = True
        if self.instance.pk:
            self.fields["contracted"].initial = self.instance.contracted_premises.all()
        search_as_you_type(self)  # a thousand units and thousands of premises at a head office: search boxes

    def clean_employee_number(self):
        return self.cleaned_data.get("employee_number") or None

    def clean(self):
        cleaned = super().clean()
        unit, premises, post = cleaned.get("unit"), cleaned.get("home_premises"), cleaned.get("post")
        if unit and premises and not premises.unit.path.startswith(unit.path):
            self.add_error("home_premises", _("The home premises must belong to the chosen unit."))
        if cleaned.get("contracted") and post not in (Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY):
            self.add_error("contracted", _("Only security department staff contract premises."))
        if "part_time_posts" in cleaned:  # the main post is not held part-time as well
            cleaned["part_time_posts"] = [p for p in cleaned["part_time_posts"] if p != post]
        return cleaned


class TransferForm(ScopedModelForm):
    effective = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=80)

    class Meta:
        model = User
        fields = ["unit", "post", "home_premises"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = True
        self.fields["effective"].initial = timezone.localdate()
        search_as_you_type(self)  # a thousand units and thousands of premises at a head office: search boxes


class LeaveForm(SafeForm):
    end_date = forms.DateField(label=_("Last working day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=80, required=False)
    confirm = forms.BooleanField(
        label=_("I understand the account is closed and every session of this person ends now."), required=True
    )


class ActingForm(ScopedModelForm):
    class Meta:
        model = Acting
        fields = ["user", "post", "unit", "premises", "start_date", "end_date", "reason"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        if not cleaned.get("unit") and not cleaned.get("premises"):
            self.add_error("unit", _("Name the unit or the premises the person acts for."))
        return cleaned


class SecondFactorCodeForm(SafeForm):
    """The 6-digit code of an authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()
