"""A bounded schema-driven fuzzing run (schemathesis) over every API operation, as three roles: no answer is a
server error, and every answer matches the OpenAPI schema the API publishes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance
from schemathesis.config import SchemathesisConfig

from cases.services import perform

from .lifecycle import S, advance, new_case

EXAMPLES = 20  # per operation, each sent as three roles
ROLES = ("dispatcher", "district_operator", "unit_operator_d1")
UNVALIDATED_BODIES: set[str] = set()  # every answer's body is checked against the schema


# Generated cases only (the coverage phase's exhaustive boundary values would take ten minutes here).
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _connection_kept():
    """As Django's test client does: the requests run inside the test's transaction, which closing the
    connection at the end of each request would break."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(users, city):
    """Tokens of three roles, and cases for their lists: one at the district platform (no grid, no point,
    no street office yet), one registered (no unit): the nullable fields appear in the answers."""
    at_platform = advance(new_case(users, city), users, city, S.REGISTERED)
    perform(case_id=at_platform.pk, action="dispatch", actor=users.dispatcher, unit=city.p1)
    advance(new_case(users, city), users, city, S.REGISTERED)
    advance(new_case(users, city, area=city.d1), users, city, S.DISPATCHED)
    return [Token.objects.create(user=getattr(users, role)).key for role in ROLES]


@schema.parametrize()
@pytest.mark.django_db
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_every_request_without_a_server_error_and_as_its_schema_says(case, tokens):
    checks = [not_a_server_error, status_code_conformance]
    if case.operation.path not in UNVALIDATED_BODIES:
        checks.append(response_schema_conformance)
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)
        SENT[case.operation.label] = SENT.get(case.operation.label, 0) + 1


SENT: dict[str, int] = {}  # requests per operation, for docs/security.md (pytest -s shows them)


def test_zz_the_fuzzing_run_reached_every_operation():
    if SENT:  # when the fuzzing tests ran in this session
        print(f"\nfuzzed: {sum(SENT.values())} requests over {len(SENT)} operations")
        assert len(SENT) == len(list(schema.get_all_operations()))
