"""The dynamic provider of a Sentry client key (DSN), and its resource.

The key owns its `name` and `rateLimit` (createProjectKey / updateProjectKey: `rateLimit`
{window: seconds, at most 86400; count}, "to cap the number of errors accepted during a
given time window"). A key of the same name already in the project is taken over. Its DSN
(`dsn.public`, ProjectKey) is the stack's `SENTRY_DSN`: a secret output, never typed by hand.
The state names this class by module and name: a move needs an alias.
"""

from collections.abc import Mapping

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from components.sentry.access import SentryApiProvider
from components.sentry.api import NotFoundError
from stacks.json_values import JsonObject, JsonValue, as_object, as_text, member

REPLACE_ON_CHANGE = ("organization", "project", "api_url")
UPDATE_IN_PLACE = ("name", "rate_limit_count", "rate_limit_window")


class SentryClientKeyProvider(SentryApiProvider):
    def diff(
        self, _id: str, olds: Mapping[str, JsonValue], news: Mapping[str, JsonValue]
    ) -> DiffResult:
        changed = [k for k in (*REPLACE_ON_CHANGE, *UPDATE_IN_PLACE) if olds.get(k) != news.get(k)]
        replaces = [key for key in changed if key in REPLACE_ON_CHANGE]
        return DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: JsonObject) -> CreateResult:
        api = self._api(props)
        try:
            org, project = as_text(props["organization"]), as_text(props["project"])
            same_name = [key for key in api.keys(org, project) if key["name"] == props["name"]]
            if same_name:
                key = same_name[0]
                if key.get("rateLimit") != _rate_limit(props):
                    key = api.update_key(org, project, as_text(key["id"]), _body(props))
            else:
                key = api.create_key(org, project, _body(props))
            return CreateResult(as_text(key["id"]), _outputs(props, key))
        finally:
            api.close()

    def read(self, id_: str, props: JsonObject) -> ReadResult:
        api = self._api(props)
        try:
            key = api.key(as_text(props["organization"]), as_text(props["project"]), id_)
        except NotFoundError:
            return ReadResult("", {})
        finally:
            api.close()
        limit = as_object(key.get("rateLimit") or {})
        refreshed = {
            **props,
            "name": key["name"],
            "rate_limit_count": limit.get("count"),
            "rate_limit_window": limit.get("window"),
        }
        return ReadResult(id_, _outputs(refreshed, key))

    def update(self, id_: str, _olds: JsonObject, news: JsonObject) -> UpdateResult:
        api = self._api(news)
        try:
            org, project = as_text(news["organization"]), as_text(news["project"])
            key = api.update_key(org, project, id_, _body(news))
            return UpdateResult(_outputs(news, key))
        finally:
            api.close()

    def delete(self, id_: str, props: JsonObject) -> None:
        api = self._api(props)
        try:
            api.delete_key(as_text(props["organization"]), as_text(props["project"]), id_)
        except NotFoundError:
            pulumi.log.info(f"Sentry client key {id_} was already deleted")
        finally:
            api.close()


def _rate_limit(props: JsonObject) -> JsonObject:
    return {"window": props["rate_limit_window"], "count": props["rate_limit_count"]}


def _body(props: JsonObject) -> JsonObject:
    return {"name": props["name"], "rateLimit": _rate_limit(props)}


def _outputs(props: JsonObject, key: JsonObject) -> JsonObject:
    return {**props, "key_id": key["id"], "dsn": member(key, "dsn", "public")}


class SentryClientKey(Resource, module="sentry", name="ClientKey"):
    """A client key of a Sentry project, rate limited; its DSN is a secret output."""

    key_id: pulumi.Output[str]
    dsn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        props: pulumi.Inputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=["dsn"])
        merged = pulumi.ResourceOptions.merge(opts, secret)
        super().__init__(
            SentryClientKeyProvider(), name, {"key_id": None, "dsn": None, **props}, merged
        )
