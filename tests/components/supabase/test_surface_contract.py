"""What the engine and the state rely on: read by ID alone, the pickled providers, and the
SMTP password, which no error, log line or serialized provider ever holds."""

import base64
import logging
import pickle
import pickletools
from typing import Any

import pytest

from components.supabase.api import SupabaseApiError
from components.supabase.auth_config import AuthConfigProvider, smtp_pass_hash
from components.supabase.network_restrictions import NetworkRestrictionsProvider
from components.supabase.pitr import PitrProvider
from components.supabase.postgres_config import PostgresConfigProvider
from components.supabase.postgrest import PostgrestProvider
from components.supabase.provider import SupabaseProjectProvider
from components.supabase.ssl_enforcement import SslEnforcementProvider
from components.supabase.surface import SurfaceProvider
from crms_infra.offline.sdk import serialize_provider
from tests.components.supabase.fake_api import FakeManagementApi, Fault
from tests.components.supabase.support import (
    RESEND_KEY,
    TOKEN,
    VirtualClock,
    auth_inputs,
    surface_props,
    surface_provider,
)

# What the state stores for each: renaming one breaks every stack's state.
STATE_NAMES = {
    AuthConfigProvider: ("components.supabase.auth_config", "AuthConfigProvider"),
    SslEnforcementProvider: ("components.supabase.ssl_enforcement", "SslEnforcementProvider"),
    NetworkRestrictionsProvider: (
        "components.supabase.network_restrictions",
        "NetworkRestrictionsProvider",
    ),
    PitrProvider: ("components.supabase.pitr", "PitrProvider"),
    PostgrestProvider: ("components.supabase.postgrest", "PostgrestProvider"),
    PostgresConfigProvider: ("components.supabase.postgres_config", "PostgresConfigProvider"),
}


@pytest.mark.parametrize("kind", STATE_NAMES, ids=lambda kind: kind.__name__)
def test_a_surface_reads_by_id_alone(
    api: FakeManagementApi, clock: VirtualClock, project: str, kind: type[SurfaceProvider]
) -> None:
    read = surface_provider(kind, clock).read(project, {"management_api": api.url})
    assert read.id == project
    assert read.outs is not None
    assert read.outs["project_ref"] == project


def test_the_project_reads_by_id_alone(
    api: FakeManagementApi, provider: SupabaseProjectProvider, project: str
) -> None:
    read = provider.read(project, {"management_api": api.url})
    assert (read.id, (read.outs or {})["name"]) == (project, "crms-production")
    before = len(api.requests)
    provider.read(project, read.outs or {})
    assert len(api.requests) - before == 4  # the project, its add-ons, keys and pooler


@pytest.mark.parametrize("kind", [*STATE_NAMES, SupabaseProjectProvider], ids=lambda k: k.__name__)
@pytest.mark.parametrize("resource_id", ["NOT-A-REF", "", "abc", "a" * 10_000])
def test_an_id_that_is_no_ref_is_refused_in_one_sentence(
    api: FakeManagementApi, kind: type[Any], resource_id: str
) -> None:
    with pytest.raises(SupabaseApiError) as caught:
        kind().read(resource_id, {"management_api": api.url})
    message = str(caught.value)
    assert "must be the project's ref, 20 lower-case letters" in message
    assert "\n" not in message
    assert len(message) < 300
    assert api.requests == []  # refused before any call


@pytest.mark.parametrize(("kind", "names"), STATE_NAMES.items(), ids=lambda k: str(k))
def test_a_surface_provider_pickles_to_its_names_alone(
    kind: type[SurfaceProvider], names: tuple[str, str], clock: VirtualClock
) -> None:
    provider = surface_provider(kind, clock)  # configured: it holds the token
    serialized = base64.b64decode(serialize_provider(provider))
    assert TOKEN.encode() not in serialized
    texts = [arg for op, arg, _ in pickletools.genops(serialized) if isinstance(arg, str)]
    assert texts == list(names)  # no attribute travels, so none can break a later read
    restored = pickle.loads(serialized)  # noqa: S301 (bytes this test just made)
    assert type(restored) is kind
    assert restored._token is None


def test_the_smtp_password_is_in_no_error_or_log(
    api: FakeManagementApi,
    clock: VirtualClock,
    project: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = surface_provider(AuthConfigProvider, clock)
    props = surface_props(auth_inputs(), project, api)
    echo = {"message": f"smtp_pass {RESEND_KEY} was refused by smtp.resend.com"}
    api.faults.append(Fault("PATCH", f"/v1/projects/{project}/config/auth", 400, body=echo))
    with pytest.raises(SupabaseApiError) as caught:
        provider.create(props)
    assert "smtp_pass [secret] was refused" in str(caught.value)
    assert RESEND_KEY not in repr(caught.value)
    outs = provider.create(props).outs or {}
    assert RESEND_KEY not in caplog.text
    assert caplog.records  # httpx logged the calls, without bodies
    assert outs["smtp_pass_hash"] == smtp_pass_hash(project, RESEND_KEY)


def test_an_smtp_password_changed_anywhere_is_seen_by_its_hash(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    provider = surface_provider(AuthConfigProvider, clock)
    props = surface_props(auth_inputs(), project, api)
    outs = provider.create(props).outs or {}
    assert provider.diff(project, provider.read(project, outs).outs or {}, props).changes is False
    rotated = {**props, "smtp_pass": "re_Rotated0987654321zyxwvUTSR"}
    assert provider.diff(project, outs, rotated).changes is True
    api.config.of(project).auth["smtp_pass"] = smtp_pass_hash(project, "someone-elses")
    drifted = provider.read(project, outs).outs or {}
    assert drifted["smtp_pass"] == RESEND_KEY  # write-only: kept from the state
    assert provider.diff(project, drifted, props).changes is True
