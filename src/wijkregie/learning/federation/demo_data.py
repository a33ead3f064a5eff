"""Demo (order 105): this instance is also the programme hub. Every demo municipality is
registered as a hub member and publishes once, through the same checks as the HTTPS
endpoint (signature, disclosure, schema), so the hub page shows all of them.

The demo signs with the instance's configured key when there is one, else with a key
made for this load only and never stored (``wijkregie learning keygen`` and
``learning hub-register`` make a lasting one).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from wijkregie.core.models import Municipality
from wijkregie.demo.loader import DemoContext, demo_cleanup, demo_step
from wijkregie.learning.federation import hub, signing
from wijkregie.learning.federation.document import build_document
from wijkregie.learning.federation.models import HubMember, PublishedDocument


def _demo_codes() -> list[str]:
    return list(Municipality.objects.filter(is_demo=True).values_list("code", flat=True))


@demo_cleanup
def remove_hub_demo() -> None:
    PublishedDocument.objects.filter(member__code__in=_demo_codes()).delete()
    HubMember.objects.filter(code__in=_demo_codes()).delete()


@demo_step(order=105)
def build_hub(context: DemoContext) -> None:
    try:
        key = signing.configured_private_key()
    except ImproperlyConfigured:
        key = signing.generate_private_key()
    public = signing.public_key_text(key)
    for municipality in Municipality.objects.filter(is_demo=True).order_by("code"):
        hub.register_member(municipality.code, municipality.name, public)
        envelope = signing.sign(build_document(municipality), key)
        hub.receive(signing.canonical_json(envelope))
