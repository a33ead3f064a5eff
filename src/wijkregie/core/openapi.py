"""OpenAPI schema extensions (drf-spectacular): the partner token as a security scheme."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "wijkregie.signals.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token wr_…`: the token of a partner organisation "
                               "(`wijkregie signals issue-token`)."}
