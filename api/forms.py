from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safetybank.forms import SafeForm


class TokenForm(SafeForm):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What will use it, e.g. “OA system” or “data warehouse”.")
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, initial=90
    )
