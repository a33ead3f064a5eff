from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class FiguresImportForm(forms.Form):
    file = forms.FileField(label=_("File with figures (CSV or XLSX)"),
                           help_text=_("Columns: area code, period, indicator, value."))
    replace = forms.ChoiceField(
        label=_("What the file replaces"), initial="cells",
        choices=[("cells", _("only the figures in the file (area, period, indicator)")),
                 ("indicator-periods", _("all figures of the municipality for the "
                                         "indicators and periods in the file"))])

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("%(name)s: only CSV and XLSX files can be imported."),
                                        params={"name": upload.name})
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("%(name)s is larger than 20 MB."),
                                        params={"name": upload.name})
        return upload
