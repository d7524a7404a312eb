"""How many Management API calls the stack's Supabase resources make, against the fake.

Runs the prod stack's project and its six configuration resources through their providers
against the spec-strict fake (tests/components/supabase/): create, a refresh that finds no
change, and a one-field update of each; prints the calls per resource and operation, and the
most calls any one endpoint took (Supabase limits each endpoint to 120 a minute). Run with
`make bench`.
"""

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pulumi
from pulumi.dynamic import Config, ConfigureRequest

from components.supabase.access import TOKEN_CONFIG_KEY
from components.supabase.api import RetryPolicy
from components.supabase.auth_config import AuthConfigProvider
from components.supabase.fields import properties
from components.supabase.network_restrictions import NetworkRestrictionsProvider
from components.supabase.pitr import PitrProvider
from components.supabase.postgres_config import PostgresConfigProvider
from components.supabase.postgrest import PostgrestProvider
from components.supabase.provider import SupabaseProjectProvider
from components.supabase.ssl_enforcement import SslEnforcementProvider
from components.supabase.surface import SurfaceInputs
from components.supabase.waiting import Waiting
from crms_infra.offline.project import load_stack_settings
from stacks import naming
from stacks.secrets import StackSecrets
from stacks.wiring import project_configuration
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import TOKEN, VirtualClock

REPO = Path(__file__).resolve().parent.parent
RESEND_KEY = "re_Bench1234567890abcdefghijKL"
Provider = Any  # a project provider or a surface provider: both have the engine's calls


def main() -> None:
    clock = VirtualClock()
    api = FakeManagementApi(token=TOKEN, clock=clock).start()
    try:
        rows = run(api, clock)
    finally:
        api.stop()
    print("Management API calls against the fake, prod stack (create / no-change refresh / "
          "one-field update):")  # fmt: skip
    for name, counts in rows.items():
        print(
            f"  {name:<22} {counts['create']:>3} / {counts['refresh']:>2} / {counts['update']:>2}"
        )
    totals = {op: sum(row[op] for row in rows.values()) for op in ("create", "refresh")}
    print(f"  {'all seven':<22} {totals['create']:>3} / {totals['refresh']:>2}")
    endpoint, most = Counter(f"{m} {p}" for m, p, _ in api.requests).most_common(1)[0]
    print(f"  most calls to one endpoint over the whole run: {most} ({endpoint})")
    assert not api.violations, api.violations


def run(api: FakeManagementApi, clock: VirtualClock) -> dict[str, dict[str, int]]:
    settings = load_stack_settings(REPO, "prod")
    retry = RetryPolicy(sleep=clock.sleep, clock=clock)
    waiting = Waiting(first_interval=0.01, max_interval=0.02)

    def count(action: Callable[[], Any]) -> tuple[int, Any]:
        before = len(api.requests)
        result = action()
        return len(api.requests) - before, result

    rows: dict[str, dict[str, int]] = {}
    project = _configured(SupabaseProjectProvider(retry=retry, waiting=waiting))
    project_props = {
        "name": naming.prefix(settings), "organization_slug": settings.database.organization_slug,
        "region": settings.database.region, "instance_size": settings.database.instance_size.value,
        "management_api": api.url, "db_pass": "bench-pa55-word",
    }  # fmt: skip
    calls, created = count(lambda: project.create(project_props))
    ref, outs = created.id, created.outs
    rows["project"] = _operations(count, project, ref, outs, {"name": "crms-prod"}, calls)

    # The program's own configuration of prod, with a plain key where it has a secret Output.
    plain = cast(pulumi.Output[str], RESEND_KEY)
    secrets = StackSecrets(stripe_secret_key=plain, resend_api_key=plain, sentry_dsn=plain)
    configuration = project_configuration(settings, secrets)
    surfaces: dict[str, tuple[Provider, SurfaceInputs, dict[str, Any]]] = {
        "auth": (AuthConfigProvider, configuration.auth, {"mailer_otp_exp": 1800}),
        "ssl enforcement": (SslEnforcementProvider, configuration.ssl, {"database": False}),
        "network restrictions": (
            NetworkRestrictionsProvider,
            configuration.network,
            {"allowed_cidrs": ["185.199.108.0/22"]},
        ),
        "pitr": (PitrProvider, configuration.backups, {"variant": "pitr_14"}),
        "data api": (PostgrestProvider, configuration.data_api, {"max_rows": 500}),
        "postgres": (PostgresConfigProvider, configuration.postgres, {"statement_timeout": "60s"}),
    }
    for name, (kind, inputs, change) in surfaces.items():
        provider = _configured(kind(retry=retry, waiting=waiting))
        props = properties(dataclasses.replace(inputs, project_ref=ref, management_api=api.url))
        calls, created = count(functools.partial(provider.create, props))
        rows[name] = _operations(count, provider, ref, created.outs, change, calls)
    return rows


def _operations(
    count: Callable[[Callable[[], Any]], tuple[int, Any]],
    provider: Provider,
    ref: str,
    outs: dict[str, Any],
    change: dict[str, Any],
    create_calls: int,
) -> dict[str, int]:
    refresh, read = count(lambda: provider.read(ref, outs))
    assert not provider.diff(ref, read.outs, outs).changes, "the refresh found a change"
    update, _ = count(lambda: provider.update(ref, read.outs, {**read.outs, **change}))
    return {"create": create_calls, "refresh": refresh, "update": update}


def _configured(provider: Provider) -> Provider:
    provider.configure(ConfigureRequest(Config({TOKEN_CONFIG_KEY: TOKEN}, "crms")))
    return provider


if __name__ == "__main__":
    main()
