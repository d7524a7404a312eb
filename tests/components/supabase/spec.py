"""The Supabase Management API v1 spec, and the checks the fake runs on every request and answer.

The spec is the OpenAPI 3.0 document Supabase publishes, copied whole into
tests/fixtures/ (its README says from where). Schemas are checked with `jsonschema`
through openapi-schema-validator's OAS 3.0 dialect (`nullable`, OpenAPI formats), with
every `$ref` resolved by `referencing` inside the document itself.

Three departures, each for a reason:
- Request bodies are checked as closed objects even where a schema leaves
  `additionalProperties` open, so the provider can never lean on a field the spec
  does not declare. (V1CreateProjectBody is closed by the spec itself.)
- `region_selection` carries a `discriminator` over inline `oneOf` alternatives; OpenAPI
  3.0 maps a discriminator value to a *named* schema, which inline alternatives lack, so
  such a discriminator is dropped and `oneOf` alone decides (it still rejects a bad code).
- Where the real API's recorded answers depart from the spec (tests/components/supabase/
  recordings.py), the answers' check allows exactly what they show (`_as_recorded`), so
  the fake can answer as the API does.
"""

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_FILE = Path(__file__).parents[2] / "fixtures" / "supabase-management-api-v1.openapi.json"
DOCUMENT_URI = "urn:supabase:management-api-v1"
JSON = "application/json"


NOT_REQUIRED_AS_RECORDED = {"AuthConfigResponse": "nimbus_oauth_email_optional"}
"""Required fields the real API's recorded answers lack: recorded/GET_..._config_auth/*."""


class SpecViolation(Exception):
    """A request the API would refuse: `status` is the HTTP status it answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    definition: dict[str, Any]

    @property
    def pointer(self) -> str:
        return f"/paths/{_escape(self.template)}/{self.method.lower()}"


class Spec:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._requests = _registry(_closed(_without_inline_discriminators(document)))
        self._responses = _registry(_as_recorded(_without_inline_discriminators(document)))
        # Literal segments win over parameters: /v1/projects/available-regions is not a ref.
        templates = sorted(document["paths"], key=lambda t: (t.count("{"), -len(t)))
        self._routes = [(_template_regex(t), t) for t in templates]

    def operation(self, method: str, path: str) -> tuple[Operation, dict[str, str]]:
        for regex, template in self._routes:
            match = regex.fullmatch(path)
            if match is None:
                continue
            definition = self.document["paths"][template].get(method.lower())
            if definition is None:
                raise SpecViolation(405, f"{method} is not an operation of {template}")
            return Operation(method, template, definition), match.groupdict()
        raise SpecViolation(404, f"no path of the spec matches {path}")

    def check_request(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
    ) -> tuple[Operation, dict[str, str]]:
        """The operation and path values; raises SpecViolation as the API would refuse."""
        operation, path_values = self.operation(method, path)
        parameters = {(p["in"], p["name"]): p for p in operation.definition.get("parameters", [])}
        for name, value in path_values.items():
            self._check_value(parameters[("path", name)], value, f"path parameter {name}")
        for name, values in query.items():
            parameter = parameters.get(("query", name))
            if parameter is None:
                raise SpecViolation(400, f"unknown query parameter {name!r}")
            what = f"query parameter {name}"
            if parameter["schema"].get("type") == "array":  # style form, explode: repeated
                self._check_value(parameter, values, what)
                continue
            for value in values:
                self._check_value(parameter, _typed(parameter, value), what)
        for (where, name), parameter in parameters.items():
            if where == "query" and parameter.get("required") and name not in query:
                raise SpecViolation(400, f"query parameter {name!r} is required")
        request_body = operation.definition.get("requestBody")
        if request_body is None:
            if body is not None:
                raise SpecViolation(400, f"{method} {operation.template} takes no body")
        elif body is None:
            if request_body.get("required"):
                raise SpecViolation(400, "a JSON body is required")
        else:
            pointer = f"{operation.pointer}/requestBody/content/{_escape(JSON)}/schema"
            _raise_first(self._requests, pointer, body, "body")
        return operation, path_values

    def check_response(self, operation: Operation, status: int, body: Any) -> None:
        """Raises SpecViolation(500) when an answer of the fake drifts from the spec."""
        response = operation.definition["responses"].get(str(status))
        if response is None:
            # Statuses the spec leaves out (400, 404): the error shape every client reads.
            if not (isinstance(body, dict) and isinstance(body.get("message"), str)):
                raise SpecViolation(500, f"an error answer needs a message, not {body!r}")
            return
        if JSON not in response.get("content", {}):
            if body is not None:
                raise SpecViolation(500, f"{status} of {operation.template} has no body")
            return
        pointer = f"{operation.pointer}/responses/{status}/content/{_escape(JSON)}/schema"
        _raise_first(self._responses, pointer, body, "response", status=500)

    def _check_value(self, parameter: dict[str, Any], value: Any, what: str) -> None:
        errors = list(_validator(self._responses, None, parameter["schema"]).iter_errors(value))
        if errors:
            raise SpecViolation(400, f"{what}: {jsonschema.exceptions.best_match(errors).message}")


@cache
def spec() -> Spec:
    return Spec(json.loads(SPEC_FILE.read_text(encoding="utf-8")))


def _raise_first(
    registry: referencing.Registry[Any], pointer: str, instance: Any, what: str, status: int = 400
) -> None:
    errors = list(_validator(registry, pointer).iter_errors(instance))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise SpecViolation(status, f"{what} {where}: {error.message}")


def _validator(
    registry: referencing.Registry[Any], pointer: str | None, schema: Any = None
) -> jsonschema.protocols.Validator:
    root = {"$ref": f"{DOCUMENT_URI}#{pointer}"} if pointer is not None else schema
    validator: jsonschema.protocols.Validator = OAS30Validator(
        root, registry=registry, format_checker=oas30_format_checker
    )
    return validator


def _registry(document: dict[str, Any]) -> referencing.Registry[Any]:
    resource: referencing.Resource[Any] = referencing.Resource.from_contents(
        document, default_specification=referencing.jsonschema.DRAFT4
    )
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        DOCUMENT_URI, resource
    )
    return registry


def _typed(parameter: dict[str, Any], value: str) -> Any:
    """A query value as its schema types it (`reveal`: "Boolean string, true or false")."""
    kind = parameter["schema"].get("type")
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    if kind in ("integer", "number") and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return int(value) if kind == "integer" else float(value)
    return value


def _closed(document: dict[str, Any]) -> dict[str, Any]:
    closed = copy.deepcopy(document)
    for node in _objects(closed):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
    return closed


def _without_inline_discriminators(document: dict[str, Any]) -> dict[str, Any]:
    cleaned = copy.deepcopy(document)
    for node in _objects(cleaned):
        alternatives = node.get("oneOf") or node.get("anyOf") or []
        inline = alternatives and not any("$ref" in option for option in alternatives)
        if "discriminator" in node and inline and "mapping" not in node["discriminator"]:
            del node["discriminator"]
    return cleaned


def _as_recorded(document: dict[str, Any]) -> dict[str, Any]:
    """Answers as the real API gives them (recorded/PATCH_..._config_auth and
    GET_..._config_auth): a `nullable` enum admits null, which OpenAPI 3.0.3 admits only when
    the enum lists it (`sms_provider`, `password_required_characters`, ... answer null); and
    the fields of NOT_REQUIRED_AS_RECORDED may be absent."""
    for node in _objects(document):
        if node.get("nullable") and "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
    schemas = document["components"]["schemas"]
    for name, field in NOT_REQUIRED_AS_RECORDED.items():
        schemas[name]["required"] = [f for f in schemas[name]["required"] if f != field]
    return document


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `node`, itself first; one may be changed before its children
    are walked."""
    if isinstance(node, dict):
        yield node
        for child in list(node.values()):
            yield from _objects(child)
    elif isinstance(node, list):
        for child in node:
            yield from _objects(child)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part) for part in parts
    )
    return re.compile(pattern)


def _escape(segment: str) -> str:
    """A JSON pointer token (RFC 6901)."""
    return segment.replace("~", "~0").replace("/", "~1")
