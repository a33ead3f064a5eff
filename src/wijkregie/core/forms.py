from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditOutcome
from wijkregie.core.throttling import login_throttled


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed login attempts. Wait a quarter of an hour and "
                       "try again, or ask your administrator."),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "")[:150]
        address = getattr(self.request, "client_address", None)
        if login_throttled(username, address):
            # Recorded as a failed login too, so continued attempts keep the lock closed.
            audit.record(AuditAction.LOGIN_FAILED, request=self.request, username=username,
                         outcome=AuditOutcome.DENIED, detail={"throttled": True})
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()
