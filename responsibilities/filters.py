"""Filters of the letter and joint-defence lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import choice_filter, filterset_for
from responsibilities.choices import LetterStatus, PartyKind
from responsibilities.models import JointDefenceAgreement, Letter

# One year at a time (the view fills in this year when none is asked for), then the status.
LetterFilter = filterset_for(
    Letter, year=django_filters.NumberFilter(label=_("Year")), status=choice_filter(_("Status"), LetterStatus.choices)
)
AgreementFilter = filterset_for(JointDefenceAgreement, party_kind=choice_filter(_("Kind"), PartyKind.choices))
