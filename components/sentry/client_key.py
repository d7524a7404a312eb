"""The dynamic provider of a Sentry client key (DSN), and its resource.

The key owns its `name` and `rateLimit` (createProjectKey / updateProjectKey: `rateLimit`
{window: seconds, at most 86400; count}, "to cap the number of errors accepted during a
given time window"). A key of the same name already in the project is taken over. Its DSN
(`dsn.public`, ProjectKey) is the stack's `SENTRY_DSN`: a secret output, never typed by hand.
The state names this class by module and name: a move needs an alias.
"""

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from components.sentry.access import SentryApiProvider
from components.sentry.api import NotFoundError

REPLACE_ON_CHANGE = ("organization", "project", "api_url")
UPDATE_IN_PLACE = ("name", "rate_limit_count", "rate_limit_window")


class SentryClientKeyProvider(SentryApiProvider):
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in (*REPLACE_ON_CHANGE, *UPDATE_IN_PLACE) if olds.get(k) != news.get(k)]
        replaces = [key for key in changed if key in REPLACE_ON_CHANGE]
        return DiffResult(changes=bool(changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        api = self._api(props)
        try:
            org, project = props["organization"], props["project"]
            same_name = [key for key in api.keys(org, project) if key["name"] == props["name"]]
            if same_name:
                key = same_name[0]
                if key.get("rateLimit") != _rate_limit(props):
                    key = api.update_key(org, project, key["id"], _body(props))
            else:
                key = api.create_key(org, project, _body(props))
            return CreateResult(key["id"], _outputs(props, key))
        finally:
            api.close()

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api = self._api(props)
        try:
            key = api.key(props["organization"], props["project"], id_)
        except NotFoundError:
            return ReadResult("", {})
        finally:
            api.close()
        limit = key.get("rateLimit") or {}
        refreshed = {
            **props,
            "name": key["name"],
            "rate_limit_count": limit.get("count"),
            "rate_limit_window": limit.get("window"),
        }
        return ReadResult(id_, _outputs(refreshed, key))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = self._api(news)
        try:
            key = api.update_key(news["organization"], news["project"], id_, _body(news))
            return UpdateResult(_outputs(news, key))
        finally:
            api.close()

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api = self._api(props)
        try:
            api.delete_key(props["organization"], props["project"], id_)
        except NotFoundError:
            pulumi.log.info(f"Sentry client key {id_} was already deleted")
        finally:
            api.close()


def _rate_limit(props: dict[str, Any]) -> dict[str, int]:
    return {"window": props["rate_limit_window"], "count": props["rate_limit_count"]}


def _body(props: dict[str, Any]) -> dict[str, Any]:
    return {"name": props["name"], "rateLimit": _rate_limit(props)}


def _outputs(props: dict[str, Any], key: dict[str, Any]) -> dict[str, Any]:
    return {**props, "key_id": key["id"], "dsn": key["dsn"]["public"]}


class SentryClientKey(Resource, module="sentry", name="ClientKey"):
    """A client key of a Sentry project, rate limited; its DSN is a secret output."""

    key_id: pulumi.Output[str]
    dsn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        props: dict[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=["dsn"])
        merged = pulumi.ResourceOptions.merge(opts, secret)
        super().__init__(
            SentryClientKeyProvider(), name, {"key_id": None, "dsn": None, **props}, merged
        )
