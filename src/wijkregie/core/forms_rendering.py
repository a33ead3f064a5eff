"""Every Django form renders with the NL Design System form field markup (ADR 0060).

``{{ form }}``, ``form.as_div``, ``form.as_p`` and ``field.as_field_group`` all end in the
templates under ``templates/nlds/forms/``, so the existing forms get labelled,
described and laid-out fields without each page spelling the markup out.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class NLDesignSystemFormRenderer(TemplatesSetting):
    form_template_name = "nlds/forms/form.html"
    field_template_name = "nlds/forms/field.html"
