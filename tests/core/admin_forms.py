"""Post an admin change form as a browser would: the values the page shows, changed."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm, MultiWidget


def _form_fields(form: BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def admin_form_data(response: Any) -> dict[str, Any]:
    """The data of an admin add/change page's form and its inline formsets."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data |= _form_fields(formset.management_form)
        for form in formset.forms:
            data |= _form_fields(form)
    return data
