"""The excerpt of Sentry's published OpenAPI document the fake checks every request and
answer against (tests/fixtures/sentry-api-excerpt.openapi.json; the README there says
from where). The checking is the Supabase fake's (`tests.components.supabase.spec`):
OAS 3.0 schemas, request bodies closed where the schema lists properties.

Two departures, each for a reason:
- `updateProject`'s body: the document lists the member-level fields only, yet the endpoint
  takes the admin fields of ProjectAdminSerializer (getsentry/sentry src/sentry/core/
  endpoints/project_details.py, commit 00dbe48f). The four the provider sends are added,
  typed as the serializer types them (BooleanField, ListField of CharField), and nothing else.
- Error answers: the document gives 403/404 no body; the API answers Django REST
  framework's `{"detail": "..."}` (and field -> [messages] for a 400), which is what the
  check asks of an error answer.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from tests.components.supabase.spec import (
    JSON,
    Operation,
    Spec,
    SpecViolation,
    _closed,
    _escape,
    _raise_first,
    _registry,
    _template_regex,
)

SPEC_FILE = Path(__file__).parents[2] / "fixtures" / "sentry-api-excerpt.openapi.json"
PROJECT = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/"
ADMIN_FIELDS = {
    "dataScrubber": {"type": "boolean"},
    "dataScrubberDefaults": {"type": "boolean"},
    "scrubIPAddresses": {"type": "boolean"},
    "sensitiveFields": {"type": "array", "items": {"type": "string"}},
}

__all__ = ["PROJECT", "SentrySpec", "SpecViolation", "schema_of", "spec"]


class SentrySpec(Spec):
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._requests = _registry(_closed(_with_admin_fields(document)))
        self._responses = _registry(document)
        templates = sorted(document["paths"], key=lambda t: (t.count("{"), -len(t)))
        self._routes = [(_template_regex(t), t) for t in templates]

    def check_response(self, operation: Operation, status: int, body: Any) -> None:
        if status >= 400:
            if not (isinstance(body, dict) and body):
                raise SpecViolation(500, f"an error answer needs a detail, not {body!r}")
            return
        response = operation.definition["responses"].get(str(status))
        if response is None:
            raise SpecViolation(500, f"{status} is no answer of {operation.template}")
        if JSON not in response.get("content", {}):
            if body is not None:
                raise SpecViolation(500, f"{status} of {operation.template} has no body")
            return
        pointer = f"{operation.pointer}/responses/{status}/content/{_escape(JSON)}/schema"
        _raise_first(self._responses, pointer, body, "response", status=500)


def _with_admin_fields(document: dict[str, Any]) -> dict[str, Any]:
    extended = copy.deepcopy(document)
    body = extended["paths"][PROJECT]["put"]["requestBody"]["content"][JSON]["schema"]
    body["properties"].update(copy.deepcopy(ADMIN_FIELDS))
    return extended


def schema_of(template: str, method: str, status: int) -> dict[str, Any]:
    """The answer's schema, from which the fake builds its objects."""
    response = spec().document["paths"][template][method]["responses"][str(status)]
    schema: dict[str, Any] = response["content"][JSON]["schema"]
    return schema


@cache
def spec() -> SentrySpec:
    return SentrySpec(json.loads(SPEC_FILE.read_text(encoding="utf-8")))
