"""The dynamic provider of a Stripe webhook endpoint, and its resource.

The state names the provider class by module and name (`components.stripe.webhook_endpoint`,
`WebhookEndpointProvider`): a move or rename needs an alias (tests/components/
test_golden_providers.py).

What the resource owns, and how each change reaches Stripe:
| property | owned | a change |
|---|---|---|
| url, enabled_events, description, metadata | yes | POST /v1/webhook_endpoints/{id} |
| api_version | yes | a new endpoint (UpdateWebhookEndpoint does not take it) |
| mode (live or test) | yes | a new endpoint, in the other mode's account data |
| secret | read only | returned at create alone (spec: "Only returned at creation") |
| status (enabled or disabled) | no | left as the dashboard sets it; refresh shows it |

Taking over: an endpoint of the account that already posts to the same URL (the one an
operator made in the dashboard) is never duplicated. Its secret cannot be read back, so
it cannot be imported with one: the create makes the new endpoint first, then deletes the
old ones of that URL. Both are enabled meanwhile, so every event of the overlap reaches the
app at least once (the app dedupes by event ID, as https://docs.stripe.com/webhooks asks).
"""

from dataclasses import asdict, dataclass, field

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from components.stripe.access import StripeApiProvider
from components.stripe.api import NotFoundError, StripeApi
from components.stripe.spec_facts import DEFAULT_API_URL
from stacks.json_values import JsonObject, JsonValue, as_array, as_object, as_text

UPDATE_IN_PLACE = ("url", "enabled_events", "description", "metadata")
REPLACE_ON_CHANGE = ("api_version", "mode", "stripe_api")
MODES = ("live", "test")
SECRET_OUTPUTS = ["secret"]


class WebhookEndpointProvider(StripeApiProvider):
    def check(self, _olds: JsonObject, news: JsonObject) -> CheckResult:
        failures = []
        if news.get("mode") not in MODES:
            failures.append(CheckFailure("mode", f"mode must be one of {', '.join(MODES)}"))
        if not str(news.get("url") or "").startswith("https://"):
            # Live mode takes only HTTPS URLs (https://docs.stripe.com/webhooks); test mode
            # is held to the same, so that staging proves what prod will do.
            failures.append(CheckFailure("url", "url must be an https:// URL"))
        if not news.get("enabled_events"):
            failures.append(CheckFailure("enabled_events", "name at least one event"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: JsonObject, news: JsonObject) -> DiffResult:
        changed = [k for k in (*UPDATE_IN_PLACE, *REPLACE_ON_CHANGE) if olds.get(k) != news.get(k)]
        replaces = [key for key in changed if key in REPLACE_ON_CHANGE]
        # Create before delete (the default): the new endpoint receives before the old stops.
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: JsonObject) -> CreateResult:
        api = self._api(props)
        try:
            existing = [as_text(e["id"]) for e in api.endpoints() if e.get("url") == props["url"]]
            created = api.create(_body(props, with_version=True))
            for old in existing:  # after the new one exists: no event falls between
                _delete(api, old)
            outputs = {**_outputs(props, created), "secret": created["secret"]}
            return CreateResult(as_text(created["id"]), {**outputs, "taken_over": existing})
        finally:
            api.close()

    def read(self, id_: str, props: JsonObject) -> ReadResult:
        api = self._api(props)
        try:
            endpoint = api.get(id_)
        except NotFoundError:
            return ReadResult("", {})  # deleted outside the program: dropped from the state
        finally:
            api.close()
        events: list[JsonValue] = [
            *sorted(as_text(e) for e in as_array(endpoint["enabled_events"]))
        ]
        refreshed: JsonObject = {
            **props,
            "url": endpoint["url"],
            "enabled_events": events,
            "description": endpoint.get("description") or "",
            "metadata": dict(as_object(endpoint["metadata"])),
            "api_version": endpoint.get("api_version"),
        }
        return ReadResult(id_, {**_outputs(refreshed, endpoint), "secret": props.get("secret")})

    def update(self, id_: str, olds: JsonObject, news: JsonObject) -> UpdateResult:
        api = self._api(news)
        try:
            body = _body(news, with_version=False)
            changed = {k: v for k, v in body.items() if olds.get(k) != news.get(k)}
            gone = set(as_object(olds.get("metadata") or {})) - set(
                as_object(news.get("metadata") or {})
            )
            if gone:  # a key is removed by setting it to "" (spec: metadata)
                changed["metadata"] = {**as_object(news["metadata"]), **dict.fromkeys(gone, "")}
            endpoint = api.update(id_, changed)
            outputs = _outputs(news, endpoint)
            return UpdateResult({**outputs, "secret": olds.get("secret"), "taken_over": []})
        finally:
            api.close()

    def delete(self, id_: str, props: JsonObject) -> None:
        api = self._api(props)
        try:
            _delete(api, id_)
        finally:
            api.close()


def _delete(api: StripeApi, endpoint_id: str) -> None:
    try:
        api.delete(endpoint_id)
    except NotFoundError:
        pulumi.log.info(f"Stripe webhook endpoint {endpoint_id} was already deleted")


def _body(props: JsonObject, with_version: bool) -> JsonObject:
    body: JsonObject = {
        "url": props["url"],
        "enabled_events": list(as_array(props["enabled_events"])),
        "description": props.get("description") or "",
        "metadata": dict(as_object(props.get("metadata") or {})),
    }
    if with_version:
        body["api_version"] = props["api_version"]
    return body


def _outputs(props: JsonObject, endpoint: JsonObject) -> JsonObject:
    if endpoint["livemode"] != (props["mode"] == "live"):
        raise NotFoundError(
            "GET", f"/v1/webhook_endpoints/{endpoint['id']}", None,
            f"the endpoint is in {'live' if endpoint['livemode'] else 'test'} mode, "
            f"not {props['mode']}",
        )  # fmt: skip
    return {
        **props,
        "endpoint_id": endpoint["id"],
        "status": endpoint["status"],
        "livemode": endpoint["livemode"],
    }


@dataclass(frozen=True, kw_only=True)
class WebhookEndpointInputs:
    url: pulumi.Input[str]
    """The https URL Stripe posts events to."""
    enabled_events: list[str]
    """The event types sent to it, sorted (the spec's `enabled_events` enum)."""
    mode: str
    """`live` or `test`: the key's mode must be the same."""
    api_version: str
    """The API version events are rendered in (a change makes a new endpoint)."""
    description: str = ""
    """What the endpoint is for, as the dashboard shows it."""
    metadata: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Key-value pairs kept on the endpoint (who manages it)."""
    stripe_api: str = DEFAULT_API_URL
    """Base URL of Stripe's API (tests point it at a local server)."""


class WebhookEndpoint(Resource, module="stripe", name="WebhookEndpoint"):
    """A Stripe webhook endpoint, created and managed through Stripe's API."""

    endpoint_id: pulumi.Output[str]
    secret: pulumi.Output[str]
    status: pulumi.Output[str]
    livemode: pulumi.Output[bool]
    taken_over: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        inputs: WebhookEndpointInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            **asdict(inputs),
            "endpoint_id": None,
            "secret": None,
            "status": None,
            "livemode": None,
            "taken_over": None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(
            WebhookEndpointProvider(), name, props, pulumi.ResourceOptions.merge(opts, secret)
        )
