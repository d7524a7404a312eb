"""The dynamic provider of a Supabase project, and its resource.

A dynamic provider instance is serialized into the stack's state, so it holds no
credential (`components.supabase.access`): the token is dropped from any pickled state.
The state names this class by module and name (`components.supabase.provider`,
`SupabaseProjectProvider`): a move or rename needs an alias.
"""

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

from components.supabase import statuses
from components.supabase.access import ManagementApiProvider, api_url, project_ref
from components.supabase.adoption import adoptable
from components.supabase.api import (
    DEFAULT_API_URL,
    NOT_READY,
    ManagementApi,
    NotFoundError,
    NotReadyError,
    SupabaseApiError,
)
from components.supabase.fields import properties
from components.supabase.project_inputs import (
    PROJECT,
    REPLACE_ON_CHANGE,
    UPDATE_IN_PLACE,
    ProjectInputs,
)
from components.supabase.project_values import addon_variant, instance_size
from components.supabase.waiting import Waiting, poll, wait_for_values, wait_until_healthy
from stacks.json_values import JsonObject, as_text, member

__all__ = ["SupabaseProject", "SupabaseProjectProvider", "Waiting", "addon_variant"]


class SupabaseProjectProvider(ManagementApiProvider):
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_token"] = None  # never into the state file
        return state

    def check(self, _olds: JsonObject, news: JsonObject) -> CheckResult:
        failures = [
            CheckFailure(key, f"{key} is required")
            for key in PROJECT.set_by_program
            if not news.get(key)
        ]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: JsonObject, news: JsonObject) -> DiffResult:
        changed = [
            key for key in (*REPLACE_ON_CHANGE, *UPDATE_IN_PLACE) if olds.get(key) != news.get(key)
        ]
        replaces = [key for key in changed if key in REPLACE_ON_CHANGE]
        if "instance_size" in changed and addon_variant(as_text(news["instance_size"])) is None:
            replaces.append("instance_size")  # no add-on gives nano: only a new project does
        # A replacement must delete first: the create adopts a project of the same name.
        return DiffResult(
            changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces)
        )

    def create(self, props: JsonObject) -> CreateResult:
        api = self._api(props)
        try:
            project = self._adoptable(api, props) or self._create(api, props)
            ref = as_text(project["ref"])
            return CreateResult(ref, self._outputs(api, ref, props))
        finally:
            api.close()

    def read(self, id_: str, props: JsonObject) -> ReadResult:
        """Refresh, or read by ID alone (`SupabaseProject.get`): then `props` holds no
        more than the API's URL."""
        project_ref(id_, "a Supabase project")
        api = self._api(props)
        try:
            project = api.get_project(id_)
            if project["status"] in statuses.BEING_REMOVED:
                return ReadResult("", {})  # deleted, still listed for a while
            refreshed = {
                **props,
                "name": project["name"],
                "organization_slug": project["organization_slug"],
                "region": project["region"],
                # The size lives in the billing add-ons, not in the project itself.
                "instance_size": instance_size(api.addons(id_)),
            }
            return ReadResult(id_, self._outputs(api, id_, refreshed, project))
        except NotFoundError:  # 404, or 400 "Resource has been removed"
            return ReadResult("", {})  # no ID: gone, and the engine drops it from the state
        finally:
            api.close()

    def update(self, id_: str, olds: JsonObject, news: JsonObject) -> UpdateResult:
        api = self._api(news)
        try:
            if olds.get("name") != news["name"]:
                api.rename_project(id_, as_text(news["name"]))
            if olds.get("db_pass") != news["db_pass"]:
                api.set_database_password(id_, as_text(news["db_pass"]))
            variant = addon_variant(as_text(news["instance_size"]))
            if olds.get("instance_size") != news["instance_size"] and variant is not None:
                api.apply_addon(id_, "compute_instance", variant)
            return UpdateResult(self._outputs(api, id_, news))
        finally:
            api.close()

    def delete(self, id_: str, props: JsonObject) -> None:
        api = self._api(props)
        try:
            self._delete_when_ready(api, id_)
        except NotFoundError:
            pulumi.log.info(f"Supabase project {id_} was already deleted")
        finally:
            api.close()

    def _delete_when_ready(self, api: ManagementApi, ref: str) -> None:
        """DELETE, again while the API answers that a project just created is not ready
        for deletion (a replacement soon after a create meets it), within the wait."""

        def deleted() -> bool | None:
            try:
                api.delete_project(ref)
            except NotReadyError:
                return None
            return True

        def gave_up() -> SupabaseApiError:
            return SupabaseApiError(
                "DELETE", f"/v1/projects/{ref}", 400,
                f"the API still answers {NOT_READY!r} after {self._waiting.timeout:g} s: wait "
                "until the dashboard shows the project healthy, then run the same command again",
            )  # fmt: skip

        poll(deleted, self._waiting.timeout, self._waiting, self._retry, gave_up)

    def _adoptable(self, api: ManagementApi, props: JsonObject) -> JsonObject | None:
        return adoptable(api.list_projects(), props)

    def _create(self, api: ManagementApi, props: JsonObject) -> JsonObject:
        body: JsonObject = {
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
            adopted = self._adoptable(api, props)
            if adopted is None:
                raise
            return adopted

    def _outputs(
        self,
        api: ManagementApi,
        ref: str,
        props: JsonObject,
        project: JsonObject | None = None,
    ) -> JsonObject:
        """Outputs once the project is healthy; a refresh passes the project it just read,
        and a stuck one fails it with what to do."""
        if project is None:
            project = wait_until_healthy(api, ref, self._waiting, self._retry)
        elif project["status"] in statuses.STUCK:
            raise SupabaseApiError(
                "GET", f"/v1/projects/{ref}", None,
                statuses.describe(as_text(project["name"]), ref, as_text(project["status"])),
            )  # fmt: skip
        keys, pooler = wait_for_values(api, ref, self._waiting, self._retry)
        return {
            **props,
            "ref": ref,
            "status": project["status"],
            "api_url": api_url(ref),
            "db_host": member(
                project, "database", "host"
            ),  # required by V1ProjectWithDatabaseResponse
            "db_name": pooler.database,
            "pooler_host": pooler.host,
            "pooler_port": pooler.port,
            "pooler_user": pooler.user,
            "anon_key": keys.anon,
            "service_role_key": keys.service_role,
            "publishable_key": keys.publishable,
            "secret_key": keys.secret,
        }


class SupabaseProject(Resource, module="supabase", name="Project"):
    """A Supabase project, created and managed through the Management API."""

    ref: pulumi.Output[str]
    api_url: pulumi.Output[str]
    db_host: pulumi.Output[str]
    db_name: pulumi.Output[str]
    pooler_host: pulumi.Output[str]
    pooler_port: pulumi.Output[int]
    pooler_user: pulumi.Output[str]
    anon_key: pulumi.Output[str | None]
    service_role_key: pulumi.Output[str | None]
    publishable_key: pulumi.Output[str | None]
    secret_key: pulumi.Output[str | None]

    def __init__(
        self, name: str, inputs: ProjectInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        self._register(name, properties(inputs), opts)

    @classmethod
    def get(
        cls,
        name: str,
        ref: pulumi.Input[str],
        management_api: str = DEFAULT_API_URL,
        opts: pulumi.ResourceOptions | None = None,
    ) -> "SupabaseProject":
        """The existing project `ref`, read through the API (not created or managed)."""
        by_id = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=ref))
        project = cls.__new__(cls)
        project._register(name, {"management_api": management_api}, by_id)
        return project

    def _register(
        self, name: str, props: pulumi.Inputs, opts: pulumi.ResourceOptions | None
    ) -> None:
        secret = pulumi.ResourceOptions(additional_secret_outputs=list(PROJECT.secret))
        merged = pulumi.ResourceOptions.merge(opts, secret)
        Resource.__init__(self, SupabaseProjectProvider(), name, props, merged)
