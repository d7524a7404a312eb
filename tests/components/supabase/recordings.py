"""Real Management API exchanges, as the Supabase CLI's end-to-end suite recorded them.

The files under tests/fixtures/supabase-cli-recordings/ are copied unchanged from supabase/cli
(its README says from where and what their sanitising hides). Two stores, as upstream keeps
them (apps/cli-e2e/AGENTS.md): `recorded/<METHOD_path>/<n>.request.json` and
`.response.json`, every call of one endpoint in one recording session, in order; and
`scenarios/<test>/interactions.json`, one CLI test's calls in the order it made them.

Every ref, organization slug and other 20-letter word is `__PROJECT_REF__` in them; a replay
puts a ref of the fake's in its place.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import JsonValue

from tests.components.supabase.spec import spec

RECORDINGS = Path(__file__).parents[2] / "fixtures" / "supabase-cli-recordings"
PLACEHOLDER_REF = "__PROJECT_REF__"
SOME_REF = "abcdefghijabcdefghij"
"""A ref the spec accepts, standing in for the placeholder when only the path's shape matters."""


@dataclass(frozen=True)
class Exchange:
    """One recorded request and the answer the API gave it."""

    source: str
    """Where it is kept: `recorded/<key>/<n>` or `scenarios/<test>#<position>`."""
    method: str
    path: str
    query: dict[str, str]
    body: JsonValue
    status: int
    answer: JsonValue

    @property
    def template(self) -> str:
        """The spec's path template the request was made to."""
        operation, _ = spec().operation(self.method, self.path.replace(PLACEHOLDER_REF, SOME_REF))
        return operation.template

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.template}"

    def on(self, ref: str) -> str:
        """The request's path on project `ref`."""
        return self.path.replace(PLACEHOLDER_REF, ref)


@cache
def exchanges() -> tuple[Exchange, ...]:
    """Every kept exchange: the per-endpoint recordings, then each scenario in order."""
    return (*_recorded(), *_scenarios())


def recorded(endpoint: str) -> list[Exchange]:
    """The per-endpoint recordings of `endpoint` ("PUT /v1/projects/{ref}/ssl-enforcement"),
    in the order of their session."""
    return [e for e in exchanges() if e.endpoint == endpoint and e.source.startswith("recorded/")]


def scenario(name: str) -> list[Exchange]:
    """One CLI test's exchanges, in the order it made them."""
    return [e for e in exchanges() if e.source.partition("#")[0] == f"scenarios/{name}"]


def _recorded() -> Iterator[Exchange]:
    for directory in sorted((RECORDINGS / "recorded").iterdir()):
        names = [p.name.removesuffix(".request.json") for p in directory.glob("*.request.json")]
        # upstream numbers the calls: `default` is the first, then 2, 3, ...
        for name in sorted(names, key=lambda n: 1 if n == "default" else int(n)):
            request = _read(directory / f"{name}.request.json")
            response = _read(directory / f"{name}.response.json")
            yield _exchange(f"recorded/{directory.name}/{name}", request, response)


def _scenarios() -> Iterator[Exchange]:
    for path in sorted((RECORDINGS / "scenarios").glob("*/interactions.json")):
        interactions = _read(path)
        assert isinstance(interactions, list)
        for position, interaction in enumerate(interactions):
            assert isinstance(interaction, dict)
            source = f"scenarios/{path.parent.name}#{position}"
            yield _exchange(source, interaction["request"], interaction["response"])


def _exchange(source: str, request: JsonValue, response: JsonValue) -> Exchange:
    assert isinstance(request, dict)
    assert isinstance(response, dict)
    query = request.get("query") or {}
    assert isinstance(query, dict)
    return Exchange(
        source=source,
        method=str(request["method"]),
        path=str(request["path"]),
        query={str(key): str(value) for key, value in query.items()},
        body=request.get("body"),
        status=int(str(response["status"])),
        answer=response.get("body"),
    )


def _read(path: Path) -> JsonValue:
    value: JsonValue = json.loads(path.read_text(encoding="utf-8"))
    return value
