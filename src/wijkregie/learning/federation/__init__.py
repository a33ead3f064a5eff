"""Federation: a municipality's instance publishes its programme aggregates to a
programme hub as a signed, versioned JSON document (issue 16, ADR 0088/0089).

``document`` builds the document (disclosed figures only), ``schema`` validates it,
``signing`` signs and verifies it (Ed25519 over canonical JSON), ``hub`` receives it,
``publisher`` sends it. The same instance may be hub and municipality.
"""
