"""The excerpt of Stripe's OpenAPI spec the fake checks every request and answer against.

tests/fixtures/stripe-webhook-endpoints.openapi.json holds, unchanged but for one cut, the
two webhook-endpoint paths and the four schemas they use, from stripe/openapi
openapi/spec3.yaml at commit 63a674638635c68de26b9f3add13e58198f4df44 (the fixtures'
README says how it was made). Request bodies are form-encoded: decoded here as Stripe reads
them (`a[0]=x` and `a[]=x` a list, `h[k]=v` a hash, `true`/`false` a boolean where the schema
says boolean), then validated by openapi-schema-validator's OAS 3.0 dialect. The spec's own
`additionalProperties: false` refuses any parameter it does not declare.
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_FILE = Path(__file__).parents[2] / "fixtures" / "stripe-webhook-endpoints.openapi.json"
DOCUMENT_URI = "urn:stripe:spec3-excerpt"
FORM = "application/x-www-form-urlencoded"
BRACKETED = re.compile(r"^([a-z_]+)\[([^\]]*)\]$")


class SpecViolation(Exception):
    """A request Stripe would refuse: 400 invalid_request_error with the parameter."""

    def __init__(self, status: int, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.param = status, param


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in pairs:
        match = BRACKETED.match(key)
        if match is None:
            body[key] = value
            continue
        name, inner = match.groups()
        if inner == "" or inner.isdigit():
            body.setdefault(name, []).append((int(inner) if inner else len(body[name]), value))
        else:
            body.setdefault(name, {})[inner] = value
    return {
        name: [item for _, item in sorted(value)]
        if isinstance(value, list) and value and isinstance(value[0], tuple)
        else value
        for name, value in body.items()
    }


class Spec:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource: referencing.Resource[Any] = referencing.Resource.from_contents(
            document, default_specification=referencing.jsonschema.DRAFT4
        )
        self._registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            DOCUMENT_URI, resource
        )

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        template = (
            "/v1/webhook_endpoints"
            if path == "/v1/webhook_endpoints"
            else "/v1/webhook_endpoints/{webhook_endpoint}"
            if re.fullmatch(r"/v1/webhook_endpoints/[^/]+", path)
            else None
        )
        if template is None:
            raise SpecViolation(404, f"Unrecognized request URL ({method}: {path})")
        definition = self.document["paths"][template].get(method.lower())
        if definition is None:
            raise SpecViolation(404, f"Unrecognized request URL ({method}: {path})")
        return template, definition

    def check_request(
        self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> str:
        template, definition = self.operation(method, path)
        parameters = {p["name"]: p for p in definition.get("parameters", []) if p["in"] == "query"}
        for name, values in query.items():
            if name not in parameters:
                raise SpecViolation(400, f"Received unknown parameter: {name}", name)
            schema = parameters[name]["schema"]
            value: Any = values[-1]
            if schema.get("type") == "integer":
                value = int(value) if value.isdigit() else value
            self._check(schema, value, name)
        request_body = definition.get("requestBody")
        if request_body is None:
            if body:
                raise SpecViolation(400, f"{method} {template} takes no parameters")
            return template
        schema = request_body["content"][FORM]["schema"]
        typed = {
            name: {"true": True, "false": False}.get(value, value)
            if schema["properties"].get(name, {}).get("type") == "boolean"
            else value
            for name, value in body.items()
        }
        self._check(schema, typed, "body")
        return template

    def check_response(self, method: str, path: str, status: int, body: Any) -> None:
        _, definition = self.operation(method, path)
        response = definition["responses"].get(str(status)) or definition["responses"]["default"]
        self._check(response["content"]["application/json"]["schema"], body, "response")

    def _check(self, schema: dict[str, Any], value: Any, what: str) -> None:
        validator = OAS30Validator(
            schema, registry=self._registry, format_checker=oas30_format_checker
        )
        errors = list(validator.iter_errors(value))
        if errors:
            error = jsonschema.exceptions.best_match(errors)
            where = "/".join(str(part) for part in error.absolute_path) or what
            raise SpecViolation(400, f"Invalid {where}: {error.message}", where)


@cache
def spec() -> Spec:
    document = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    # `$ref`s are local to the document: resolve them against it.
    text = json.dumps(document).replace('"#/components', f'"{DOCUMENT_URI}#/components')
    return Spec(json.loads(text))
