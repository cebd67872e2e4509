from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class SafetyPasswordChangeForm(PasswordChangeForm):
    """Django's password change, refusing a new password equal to the old one."""

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError(_("The new password must differ from the current one."), code="same")
        return new
