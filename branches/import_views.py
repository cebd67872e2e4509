"""Pages of the XLSX import: upload → dry-run report → confirm → result.

The uploaded workbook is kept under MEDIA_ROOT/imports/<user id>/<random token>.xlsx
between the dry run and the confirmation (``branches.importing.stash_upload``); a token
only finds files of the user who uploaded them, and the file is deleted once applied.
Managers only (action ``staff.import``); everyone else gets a logged 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from branches import importing
from branches.models import Unit
from branches.viewmixins import ScopedMixin
from safetybank.forms import SafeForm


class ImportUploadForm(SafeForm):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        help_text=gettext_lazy("Sheets “units”, “premises” and/or “staff”, as in the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; split it into smaller files.")
                % {"size": importing.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportMixin(ScopedMixin):
    """Post check only: an import has no single object to scope; each row is scoped by the service."""

    model = Unit
    action = "staff.import"
    pk_url_kwarg = "pk"
    slug_url_kwarg = "slug"


class ImportUploadView(ImportMixin, View):
    template_name = "branches/import_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportUploadForm(), "sheets": importing.SHEETS})

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                importing.import_plan(file=upload, user=request.user)  # refuse an unreadable file here
            except importing.ImportFileError as exc:
                form.add_error("file", exc.message)
            else:
                token = importing.stash_upload(user=request.user, file=upload)
                return redirect("branches:import_report", token=token)
        return render(request, self.template_name, {"form": form, "sheets": importing.SHEETS})


class ImportReportView(ImportMixin, View):
    """GET: the dry run of a stashed workbook. POST: apply it, and show the result once."""

    template_name = "branches/import_report.html"

    def _run(self, request, token, step, *, on_error):
        """The stashed workbook through ``step`` (plan or apply): ``(report, None)``, or ``(None, a redirect)``
        with the reason as a message: back to the upload when the file is gone, else to ``on_error``."""
        file = importing.stashed_file(user=request.user, token=token)
        if file is None:
            messages.warning(request, _("That uploaded file is no longer available; upload it again."))
            return None, redirect("branches:import")
        try:
            return step(file=file, user=request.user), None
        except importing.ImportFileError as exc:
            messages.error(request, exc.message)
            return None, redirect(on_error)

    def get(self, request, token):
        report, back = self._run(request, token, importing.import_plan, on_error="branches:import")
        if back:
            return back
        return render(request, self.template_name, {"report": report, "token": token})

    def post(self, request, token):
        report, back = self._run(request, token, importing.import_apply, on_error=request.path)
        if back:
            return back
        if not report.applied:
            messages.error(request, _("Nothing was imported: some rows have errors. Correct them and upload again."))
            return render(request, self.template_name, {"report": report, "token": token})
        importing.discard_stash(user=request.user, token=token)
        # Rendered, not redirected: the initial passwords are shown this once and kept nowhere.
        response = render(request, "branches/import_result.html", {"report": report})
        response["Cache-Control"] = "no-store"
        return response


class ImportTemplateView(ImportMixin, View):
    def get(self, request):
        response = HttpResponse(
            importing.build_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="safetybank-import-template.xlsx"'
        return response
