"""The fake answers as the real API did in the Supabase CLI's recordings of real traffic.

Every kept exchange of an endpoint the providers call is replayed against the fake, which
must answer with the recorded status, the recorded error body, and an answer of the same
shape, or the difference is written down in DIFFERENCES with its reason. A new project's
defaults, the Auth PATCH and the recorded sequences are compared by value.
"""

import json

import pytest
from pydantic import JsonValue

from components.supabase import api as client
from tests.components.supabase.endpoints import ENDPOINTS
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.recordings import (
    PLACEHOLDER_REF,
    Exchange,
    exchanges,
    recorded,
    scenario,
)
from tests.components.supabase.replay import prepare, send, shape

REPLAYED = [exchange for exchange in exchanges() if exchange.endpoint in ENDPOINTS]

DIFFERENCES = {
    "scenarios/config-push-reconciles-every-section-against-the-remote#3": (
        "this session's read of network-restrictions lacks `status`, which the spec "
        "requires and every other recorded read and apply carries; the fake follows the "
        "spec and the other recordings, and the provider reads a missing status as unknown"
    ),
}
"""Recorded exchanges the fake answers with another shape, and why."""

POSTGRES_CONFIG_CHAIN = [
    # The order of apps/cli-e2e/src/tests/advanced-platform-features.e2e.test.ts, one project.
    "postgres-config-get-renders-config-overrides",
    "postgres-config-update-sets-single-config-override",
    "postgres-config-update-sets-multiple-config-overrides",
    "postgres-config-update-replace-existing-overrides-replaces-all-overrides",
    "postgres-config-update-no-restart-applies-config-without-restarting-postgres",
    "postgres-config-delete-removes-config-override",
    "postgres-config-delete-removes-multiple-config-keys",
    "postgres-config-delete-no-restart-removes-config-without-restarting-postgres",
]
SEQUENCES = {
    "postgres-config": POSTGRES_CONFIG_CHAIN,
    "ssl-enforcement": [
        "ssl-enforcement-update-enables-ssl-enforcement",
        "ssl-enforcement-update-disables-ssl-enforcement",
    ],
    "network-restrictions": ["network-restrictions-update-sets-cidr-allowlist"],
    "project-create": ["projects-create-creates-project-with-required-flags"],
}


@pytest.mark.parametrize("exchange", REPLAYED, ids=lambda exchange: exchange.source)
def test_every_recorded_exchange_replays_with_its_status_and_shape(
    api: FakeManagementApi, exchange: Exchange
) -> None:
    response = send(api, prepare(api, exchange), exchange)
    answer = response.json() if response.content else None
    assert response.status_code == exchange.status, answer
    if exchange.status >= 400:
        assert answer == exchange.answer  # the recorded refusal, word for word
    if exchange.source in DIFFERENCES:
        assert shape(answer) != shape(exchange.answer), "matches now: drop it from DIFFERENCES"
        return
    assert shape(answer) == shape(exchange.answer)


def test_most_recorded_exchanges_are_replayed() -> None:
    assert len(REPLAYED) >= 60
    assert set(DIFFERENCES) <= {exchange.source for exchange in REPLAYED}


def test_the_provider_knows_the_recorded_refusals() -> None:
    messages = {
        str(exchange.answer.get("message"))
        for exchange in exchanges()
        if exchange.status == 400 and isinstance(exchange.answer, dict)
    }
    assert {client.REMOVED, client.NOT_READY} <= messages


def test_a_new_projects_defaults_are_the_recorded_ones(api: FakeManagementApi) -> None:
    ref = api.add_project("cli-e2e-test", "crms-swiss")

    def read(path: str) -> JsonValue:
        answer: JsonValue = send(api, ref, recorded(f"GET /v1/projects/{{ref}}{path}")[0]).json()
        return answer

    assert (
        read("/network-restrictions")
        == recorded("GET /v1/projects/{ref}/network-restrictions")[0].answer
    )
    assert read("/config/database/postgres") == scenario(POSTGRES_CONFIG_CHAIN[0])[0].answer
    postgrest = recorded("GET /v1/projects/{ref}/postgrest")[0].answer
    assert isinstance(postgrest, dict)
    assert {**_dict(read("/postgrest")), "jwt_secret": None} == {**postgrest, "jwt_secret": None}
    untouched = recorded("GET /v1/projects/{ref}/config/auth")[-1].answer
    auth = json.dumps(read("/config/auth")).replace("localhost:3000", "localhost:__PORT__")
    assert json.loads(auth) == untouched


def test_the_auth_patch_answers_and_reads_back_as_recorded(api: FakeManagementApi) -> None:
    (patch,) = recorded("PATCH /v1/projects/{ref}/config/auth")
    before, after = recorded("GET /v1/projects/{ref}/config/auth")[:2]
    ref = prepare(api, patch)  # as the read before it showed
    assert api.config.of(ref).auth == before.answer
    assert send(api, ref, patch).json() == patch.answer
    assert send(api, ref, after).json() == after.answer  # set where the PATCH said null


@pytest.mark.parametrize("names", SEQUENCES.values(), ids=SEQUENCES)
def test_recorded_sequences_replay_with_their_values(
    api: FakeManagementApi, names: list[str]
) -> None:
    """One project from its start, every call in the recorded order, each answer equal to
    the recorded one where the recorder left the values (else its shape and status)."""
    ref = api.add_project("cli-e2e-test", "crms-swiss", region="us-east-1")
    for exchange in [e for name in names for e in scenario(name) if e.endpoint in ENDPOINTS]:
        response = send(api, ref, exchange)
        answer = response.json() if response.content else None
        assert response.status_code == exchange.status, exchange.source
        if exchange.endpoint == "POST /v1/projects":
            ref = str(_dict(answer)["ref"])  # the calls after it are on the new project
        if PLACEHOLDER_REF in json.dumps(exchange.answer):
            assert shape(answer) == shape(exchange.answer), exchange.source
            assert _dict(answer).get("status") == _dict(exchange.answer).get("status")
        else:
            assert answer == exchange.answer, exchange.source


def _dict(value: JsonValue) -> dict[str, JsonValue]:
    assert isinstance(value, dict)
    return value
