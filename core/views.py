from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Each person's start page: what they have to do today."""
    return render(request, "core/home.html", {})
