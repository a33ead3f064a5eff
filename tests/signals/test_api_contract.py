"""Contract test: schemathesis drives the partner API from its own OpenAPI schema
(/api/schema/) with every check, including writes, on the demo data with a partner
token. Bounded (few examples per operation) and seeded, so every run is the same."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.strategies import SearchStrategy

from tests.signals.test_api import _token
from wijkregie.signals.models import Signal

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 8

# Whether a schema-valid signal is accepted depends on data the schema cannot express:
# the categories the covenant shares with this organisation, an area or point inside its
# municipality, a date not after today, the rows of an uploaded CSV. The writes document
# that 400 (with the reasons per field or row); for them, and only them, a 400 on
# schema-valid data is a correct answer, not a rejected request.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({"operations": [{
    "include-operation-id": ["signals_create", "signals_import_create"],
    "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "400", "401", "403"]}},
}]})


def _run(strategy: SearchStrategy, examples: int, headers: dict[str, str]) -> None:
    @seed(20261201)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers)

    check()


@pytest.fixture
def connection_kept_across_requests():
    """Schemathesis calls the WSGI application itself; like Django's test client, keep
    the request signals from closing the connection that holds the test's transaction
    (on PostgreSQL every request would otherwise answer 503)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


def test_every_operation_conforms_to_the_schema(demo, connection_kept_across_requests) -> None:
    headers = {"Authorization": _token("Politie")["HTTP_AUTHORIZATION"]}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(),
                                            headers=headers, config=CONFIG)
    signals_before = Signal.objects.count()
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # The documented examples first (one case each), then generated cases.
        runs = [(s, 1) for s in operation.get_strategies_from_examples()]
        runs.append((operation.as_strategy(), EXAMPLES_PER_OPERATION))
        for strategy, examples in runs:
            try:
                _run(strategy, examples, headers)
            # Every operation's failures, not only the first (a FailureGroup is a
            # BaseExceptionGroup, not an Exception).
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    # The documented example signal was accepted: the run included a successful write.
    assert Signal.objects.count() > signals_before
