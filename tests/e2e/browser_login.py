"""Logging a demo user in through the browser, shared by the e2e suite and the README's
screenshot script."""

from __future__ import annotations

import re

from wijkregie.demo.loader import DEMO_PASSWORD


def log_in(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Password, then for roles that see personal data a TOTP code of the documented
    demo key; other roles are sent straight on by the second-factor page. A refused
    code counts as a failed login from this address, so none is ever sent twice."""
    from wijkregie.signals.demo_data import demo_totp_code

    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"^(?!.*/login/).*/$"))
    page.goto(f"{url}/signals/2fa/?next=/")
    if page.locator("#id_code").count() == 0:
        return
    page.fill("#id_code", demo_totp_code(username))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if page.locator("#id_code").count():
        raise AssertionError(f"the second factor of {username} was not accepted")
