"""Receivers: audit of logins and role synchronisation after migrate."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from wijkregie.core import audit
from wijkregie.core.models import AuditAction, AuditOutcome


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(AuditAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                        **kwargs: Any) -> None:
    # Credentials are cleansed by Django (password masked); only the username is kept.
    audit.record(AuditAction.LOGIN_FAILED, request=request, outcome=AuditOutcome.FAILURE,
                 username=str(credentials.get("username", ""))[:150])


@receiver(post_migrate)
def _sync_roles(sender: Any, **kwargs: Any) -> None:
    # Permissions of every app exist only once the last app's post_migrate ran
    # (the signal is sent only for apps with a models module).
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.name == with_models[-1].name:
        from wijkregie.core.roles import sync_roles

        sync_roles()
