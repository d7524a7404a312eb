"""How many Sentry API calls the stack's error tracking makes, against the fake.

Runs the prod stack's Sentry project and client key through their providers against the
spec-strict fake (tests/components/sentry/): create (nothing there yet), takeover (a project
and a key of the same slug and name already there), a refresh that finds no change, a
one-field update, and delete; prints the calls per resource and operation, and the most
calls any one endpoint took. Run with `make bench`.
"""

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pulumi.dynamic import Config, ConfigureRequest

from components.error_tracking import KEY_NAME
from components.sentry.access import TOKEN_CONFIG_KEY, SentryApiProvider
from components.sentry.api import RetryPolicy
from components.sentry.client_key import SentryClientKeyProvider
from components.sentry.project import SentryProjectProvider
from crms_infra.offline.project import load_stack_settings
from stacks.error_tracking import error_tracking_args
from stacks.json_values import JsonObject
from tests.components.sentry.fake_api import FakeSentryApi
from tests.components.sentry.support import TOKEN, VirtualClock

REPO = Path(__file__).resolve().parent.parent
OPERATIONS = ("create", "takeover", "refresh", "update", "delete")


def main() -> None:
    clock = VirtualClock()
    api = FakeSentryApi(token=TOKEN, clock=clock).start()
    try:
        rows = run(api, clock)
    finally:
        api.stop()
    print("Sentry API calls against the fake, prod stack (" + " / ".join(OPERATIONS) + "):")
    for name, counts in rows.items():
        print(f"  {name:<12} " + " / ".join(f"{counts[op]}" for op in OPERATIONS))
    endpoint, most = Counter(f"{m} {p}" for m, p, _ in api.requests).most_common(1)[0]
    print(f"  most calls to one endpoint over the whole run: {most} ({endpoint})")
    assert not api.violations, api.violations


def run(api: FakeSentryApi, clock: VirtualClock) -> dict[str, dict[str, int]]:
    args = error_tracking_args(load_stack_settings(REPO, "prod"))
    api.add_organization(args.organization, args.region_url, args.team)
    retry = RetryPolicy(sleep=clock.sleep, wall_clock=clock)
    project = _configured(SentryProjectProvider(retry=retry))
    key = _configured(SentryClientKeyProvider(retry=retry))
    where = {"organization": args.organization, "api_url": api.url}
    project_props: JsonObject = {
        **where, "team": args.team, "slug": args.project, "name": args.project,
        "platform": "javascript-nextjs", "region_url": args.region_url, "data_scrubber": True,
        "data_scrubber_defaults": True, "scrub_ip_addresses": True,
        "sensitive_fields": ["licence_number", "card_number", "email"],
    }  # fmt: skip
    key_props: JsonObject = {
        **where, "project": args.project, "name": KEY_NAME,
        "rate_limit_count": args.key_rate_limit_per_hour, "rate_limit_window": 3600,
    }  # fmt: skip

    def count(action: Callable[[], Any]) -> tuple[int, Any]:
        before = len(api.requests)
        result = action()
        return len(api.requests) - before, result

    project_row = _operations(count, project, project_props, {"name": "CRMS production"})
    project.create(project_props)  # the key lives in a project
    key_row = _operations(count, key, key_props, {"rate_limit_count": 500})
    return {"project": project_row, "client key": key_row}


def _operations(
    count: Callable[[Callable[[], Any]], tuple[int, Any]],
    provider: SentryApiProvider,
    props: dict[str, Any],
    change: dict[str, Any],
) -> dict[str, int]:
    row: dict[str, int] = {}
    row["create"], created = count(lambda: provider.create(props))
    resource_id, outs = created.id, created.outs
    row["refresh"], read = count(lambda: provider.read(resource_id, outs))
    assert not provider.diff(resource_id, read.outs, props).changes, "the refresh changed"
    row["update"], _ = count(lambda: provider.update(resource_id, outs, {**props, **change}))
    # Takeover: the same create once the object is there (the key with another limit).
    row["takeover"], _ = count(lambda: provider.create(props))
    row["delete"], _ = count(lambda: provider.delete(resource_id, outs))
    return row


P = TypeVar("P", bound=SentryApiProvider)


def _configured(provider: P) -> P:
    provider.configure(ConfigureRequest(Config({TOKEN_CONFIG_KEY: TOKEN}, "crms")))
    return provider


if __name__ == "__main__":
    main()
