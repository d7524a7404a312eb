"""The dynamic provider of a Supabase project, and its resource.

A dynamic provider instance is serialized into the stack's state, so it holds no
credential: the access token is read when a call is made, from the stack's secret
config (handed over by `configure`, in the provider process only) or from
`SUPABASE_ACCESS_TOKEN`, and it is dropped from any pickled state.
"""

import os
import time
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from components.supabase.api import ManagementApi, NotFoundError, RetryPolicy, SupabaseApiError

TOKEN_CONFIG_KEY = "crms:supabaseAccessToken"  # noqa: S105 (a key name, not a secret)
TOKEN_ENV = "SUPABASE_ACCESS_TOKEN"  # noqa: S105 (a variable name, not a secret)

REQUIRED = ("name", "organization_slug", "region", "instance_size", "db_pass", "management_api")
REPLACE_ON_CHANGE = ("name", "organization_slug", "region", "db_pass")
"""The API cannot move, rename or re-key a project in place: these replace it."""

FAILED_STATUSES = frozenset({"INIT_FAILED", "REMOVED", "GOING_DOWN"})
COMPUTED = (
    "ref", "status", "api_url", "db_host", "pooler_host", "pooler_port", "pooler_user",
    "db_name", "anon_key", "service_role_key",
)  # fmt: skip
SECRET_OUTPUTS = ["anon_key", "service_role_key", "db_pass"]


def addon_variant(instance_size: str) -> str | None:
    """The compute add-on that gives a size; nano is the base size and has none."""
    return None if instance_size == "nano" else f"ci_{instance_size}"


@dataclass(frozen=True)
class Waiting:
    """How long to wait for a project to become ACTIVE_HEALTHY, and how often to look."""

    timeout: float = 20 * 60
    first_interval: float = 2.0
    max_interval: float = 20.0


class SupabaseProjectProvider(ResourceProvider):
    def __init__(
        self,
        retry: RetryPolicy | None = None,
        waiting: Waiting | None = None,
        request_timeout: float = 30.0,
    ) -> None:
        super().__init__()
        self._retry = retry or RetryPolicy()
        self._waiting = waiting or Waiting()
        self._request_timeout = request_timeout
        self._token: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_token"] = None  # never into the state file
        return state

    def configure(self, req: ConfigureRequest) -> None:
        token = req.config.get(TOKEN_CONFIG_KEY)
        self._token = str(token) if token else None

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = [
            CheckFailure(key, f"{key} is required") for key in REQUIRED if not news.get(key)
        ]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        watched = (*REPLACE_ON_CHANGE, "instance_size")
        changed = [key for key in watched if olds.get(key) != news.get(key)]
        replaces = [key for key in changed if key in REPLACE_ON_CHANGE]
        if "instance_size" in changed and addon_variant(news["instance_size"]) is None:
            replaces.append("instance_size")
        # A replacement must delete first: the create adopts a project of the same name.
        return DiffResult(
            changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces)
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        api = self._api(props)
        try:
            project = self._find(api, props) or self._create(api, props)
            return CreateResult(project["ref"], self._outputs(api, project["ref"], props))
        finally:
            api.close()

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api = self._api(props)
        try:
            project = api.get_project(id_)
            refreshed = {**props, "name": project["name"], "region": project["region"]}
            return ReadResult(id_, self._outputs(api, id_, refreshed, wait=False))
        except NotFoundError:
            return ReadResult("", {})  # no ID: gone, and the engine drops it from the state
        finally:
            api.close()

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = self._api(news)
        try:
            variant = addon_variant(news["instance_size"])
            if variant is not None:
                api.apply_addon(id_, "compute_instance", variant)
            return UpdateResult(self._outputs(api, id_, news))
        finally:
            api.close()

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api = self._api(props)
        try:
            api.delete_project(id_)
        except NotFoundError:
            pulumi.log.info(f"Supabase project {id_} was already deleted")
        finally:
            api.close()

    def _api(self, props: dict[str, Any]) -> ManagementApi:
        token = self._token or os.environ.get(TOKEN_ENV)
        if not token:
            raise SupabaseApiError(
                "-", "-", None,
                f"no access token: set the secret config {TOKEN_CONFIG_KEY} or {TOKEN_ENV}",
            )  # fmt: skip
        return ManagementApi(props["management_api"], token, self._retry, self._request_timeout)

    def _find(self, api: ManagementApi, props: dict[str, Any]) -> dict[str, Any] | None:
        """The project of this name in this organization, if a previous create got that far."""
        for project in api.list_projects():
            if (project.get("name"), project.get("organization_slug")) == (
                props["name"],
                props["organization_slug"],
            ):
                return project
        return None

    def _create(self, api: ManagementApi, props: dict[str, Any]) -> dict[str, Any]:
        body = {
            "name": props["name"],
            "organization_slug": props["organization_slug"],
            "db_pass": props["db_pass"],
            "region_selection": {"type": "specific", "code": props["region"]},
            "desired_instance_size": props["instance_size"],
        }
        try:
            return api.create_project(body)
        except SupabaseApiError as error:
            if error.status is not None and error.status < 500:
                raise
            # The request may have been carried out before the failure reached us.
            adopted = self._find(api, props)
            if adopted is None:
                raise
            return adopted

    def _outputs(
        self, api: ManagementApi, ref: str, props: dict[str, Any], wait: bool = True
    ) -> dict[str, Any]:
        project = self._wait_until_healthy(api, ref) if wait else api.get_project(ref)
        keys = {key.get("name"): key.get("api_key") for key in api.api_keys(ref)}
        poolers = [p for p in api.pooler_config(ref) if p.get("database_type") == "PRIMARY"]
        pooler = poolers[0] if poolers else {}
        return {
            **props,
            "ref": ref,
            "status": project["status"],
            "api_url": f"https://{ref}.supabase.co",
            "db_host": project.get("database", {}).get("host", f"db.{ref}.supabase.co"),
            "db_name": pooler.get("db_name", "postgres"),
            "pooler_host": pooler.get("db_host"),
            "pooler_port": pooler.get("db_port"),
            "pooler_user": pooler.get("db_user"),
            "anon_key": keys.get("anon"),
            "service_role_key": keys.get("service_role"),
        }

    def _wait_until_healthy(self, api: ManagementApi, ref: str) -> dict[str, Any]:
        deadline = time.monotonic() + self._waiting.timeout
        interval = self._waiting.first_interval
        while True:
            project = api.get_project(ref)
            status = project["status"]
            if status == "ACTIVE_HEALTHY":
                return project
            if status in FAILED_STATUSES:
                raise SupabaseApiError("GET", f"/v1/projects/{ref}", None, f"project is {status}")
            if time.monotonic() + interval > deadline:
                raise SupabaseApiError(
                    "GET", f"/v1/projects/{ref}", None,
                    f"project still {status} after {self._waiting.timeout:g} s; "
                    "it may still come up: run `pulumi refresh`, then `pulumi up` again",
                )  # fmt: skip
            self._retry.sleep(interval)
            interval = min(interval * 2, self._waiting.max_interval)


class SupabaseProject(Resource, module="supabase", name="Project"):
    """A Supabase project, created and managed through the Management API."""

    ref: pulumi.Output[str]
    api_url: pulumi.Output[str]
    db_host: pulumi.Output[str]
    db_name: pulumi.Output[str]
    pooler_host: pulumi.Output[str]
    pooler_port: pulumi.Output[int]
    pooler_user: pulumi.Output[str]
    anon_key: pulumi.Output[str]
    service_role_key: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        props: dict[str, pulumi.Input[Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(
            SupabaseProjectProvider(),
            name,
            {**props, **dict.fromkeys(COMPUTED)},
            pulumi.ResourceOptions.merge(opts, secret_outputs),
        )
