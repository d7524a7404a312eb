"""What a configuration surface of a Supabase project is: typed inputs, a provider, a resource.

Each surface (auth, SSL enforcement, network restrictions, the PITR add-on, the Data API,
Postgres settings) has its own endpoints and changes at its own rate, so each is its own
dynamic resource, identified by the project's ref. Its inputs are a frozen dataclass whose
fields declare their behaviour once (`setting`, `computed`): a change that replaces, a
change made in place, a value only the provider sets, a secret. The diff, the secret
marking and the registered properties (what a plan shows) all read it from there.

State contract: the engine stores a dynamic provider pickled by module and class name
(pulumi/dynamic/dynamic.py, `serialize_provider`). A surface provider pickles to that
reference alone, never to an attribute (`__getstate__`), so only its module and class
name are in the state; they are named after the API's own paths and never renamed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Concatenate, ParamSpec, Self, TypeVar

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

from components.supabase.access import ManagementApiProvider, project_ref
from components.supabase.api import (
    DEFAULT_API_URL,
    ManagementApi,
    NotFoundError,
    SupabaseApiError,
)
from components.supabase.fields import behaviour, identity, properties, setting
from components.supabase.ownership import Ownership
from stacks.json_values import JsonObject, as_text

Arguments = ParamSpec("Arguments")
Result = TypeVar("Result")


@dataclass(frozen=True, kw_only=True)
class SurfaceInputs:
    """The fields every surface has: whose setting it is, and where its API answers."""

    project_ref: pulumi.Input[str] | None = identity(default=None)
    """The project configured (filled in by the Database component from its project)."""
    management_api: str = setting(DEFAULT_API_URL)
    """Base URL of the Management API (tests point it at a local server)."""


class SurfaceProvider(ManagementApiProvider):
    """Create and update apply the surface; read observes it with one call; delete removes
    what the surface set, or leaves it as it is, per surface: each states what it owns and
    sends in its `ownership`."""

    inputs: ClassVar[type[SurfaceInputs]]
    what: ClassVar[str]
    """How messages name the surface ("SSL enforcement")."""
    ownership: ClassVar[Ownership]

    def __getstate__(self) -> dict[str, object]:
        return {}  # the state holds the class reference only (the module's docstring)

    def __setstate__(self, _state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]  # a fresh provider with the defaults

    # The surface's own part.
    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, olds: JsonObject | None
    ) -> JsonObject:
        """Make the project's setting `news` (olds: None on create); the applied values."""
        raise NotImplementedError

    def observe(self, api: ManagementApi, ref: str, props: JsonObject) -> JsonObject:
        """The setting as the project has it now, with one call."""
        raise NotImplementedError

    def remove(self, _api: ManagementApi, ref: str, _props: JsonObject) -> None:
        """What deleting the resource does to the project; by default nothing."""
        pulumi.log.info(f"{self.what} of Supabase project {ref} left as it is")

    def differs(self, name: str, olds: JsonObject, news: JsonObject) -> bool:
        return bool(olds.get(name) != news.get(name))

    # The engine's calls.
    def check(self, _olds: JsonObject, news: JsonObject) -> CheckResult:
        missing = [
            CheckFailure(name, f"{name} is required")
            for name in behaviour(self.inputs).set_by_program
            if news.get(name) is None
        ]
        return CheckResult(news, missing)

    def diff(self, _id: str, olds: JsonObject, news: JsonObject) -> DiffResult:
        spec = behaviour(self.inputs)
        changed = [name for name in spec.set_by_program if self.differs(name, olds, news)]
        replaces = [name for name in changed if name in spec.replace]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: JsonObject) -> CreateResult:
        ref = as_text(props["project_ref"])
        return CreateResult(ref, {**props, **self._with_api(props, self.apply, ref, props, None)})

    def read(self, id_: str, props: JsonObject) -> ReadResult:
        """Refresh, or read by ID alone (`.get`): then `props` holds no more than the URL."""
        ref = project_ref(id_, f"the {self.what} of a Supabase project")
        try:
            live = self._with_api(props, self.observe, ref, props)
        except SupabaseApiError as error:
            if not gone(error):
                raise
            return ReadResult("", {})  # the project is gone, and its setting with it
        url = as_text(props.get("management_api") or DEFAULT_API_URL)
        return ReadResult(ref, {**props, **live, "project_ref": ref, "management_api": url})

    def update(self, id_: str, olds: JsonObject, news: JsonObject) -> UpdateResult:
        return UpdateResult({**news, **self._with_api(news, self.apply, id_, news, olds)})

    def delete(self, id_: str, props: JsonObject) -> None:
        try:
            self._with_api(props, self.remove, id_, props)
        except NotFoundError:
            pulumi.log.info(f"Supabase project {id_} is gone, and its {self.what} with it")

    def _with_api(
        self,
        props: JsonObject,
        action: Callable[Concatenate[ManagementApi, Arguments], Result],
        *args: Arguments.args,
        **kwargs: Arguments.kwargs,
    ) -> Result:
        api = self._api(props)
        try:
            return action(api, *args, **kwargs)
        finally:
            api.close()


def gone(error: SupabaseApiError) -> bool:
    """Whether a read's error means the project is gone: 404, the 400 "Resource has been
    removed" (NotFoundError), or 406, which the official Terraform provider also takes for
    a deleted project on every settings read (supabase/terraform-provider-supabase,
    internal/provider/settings_resource.go at commit 9ea5f96d: readAuthConfig,
    readDatabaseConfig, readSslEnforcementConfig, ...: `http.StatusNotAcceptable`)."""
    return isinstance(error, NotFoundError) or error.status == 406


class SurfaceResource(Resource):
    """The resource of one surface: its provider, and properties from its typed inputs."""

    provider_class: ClassVar[type[SurfaceProvider]]

    def __init__(
        self, name: str, inputs: SurfaceInputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not isinstance(inputs, self.provider_class.inputs):
            raise TypeError(f"{type(self).__name__} takes {self.provider_class.inputs.__name__}")
        secret = behaviour(self.provider_class.inputs).secret
        # A secret field is registered as a secret whatever the caller passed.
        props = {
            key: pulumi.Output.secret(value) if key in secret and value is not None else value
            for key, value in properties(inputs).items()
        }
        self._register(name, props, opts)

    @classmethod
    def get(
        cls,
        name: str,
        ref: pulumi.Input[str],
        management_api: str = DEFAULT_API_URL,
        opts: pulumi.ResourceOptions | None = None,
    ) -> Self:
        """The surface of the existing project `ref`, read (not managed) through the API."""
        resource = cls.__new__(cls)
        by_id = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=ref))
        resource._register(name, {"management_api": management_api}, by_id)
        return resource

    def _register(
        self, name: str, props: pulumi.Inputs, opts: pulumi.ResourceOptions | None
    ) -> None:
        secret = pulumi.ResourceOptions(
            additional_secret_outputs=list(behaviour(self.provider_class.inputs).secret)
        )
        merged = pulumi.ResourceOptions.merge(opts, secret)
        Resource.__init__(self, self.provider_class(), name, props, merged)
