"""The live Supabase project and its password.

The project is a Python dynamic resource, which `pulumi import` cannot take: the
engine's import sends the provider only an ID, and the SDK's dynamic provider host needs
the serialized provider from the resource's inputs first (pulumi/dynamic/__main__.py).
So it is taken over by the provider's own adoption by name on its create
(components/supabase/adoption.py): a project of the stack's name, organization and region.
This module checks, before anything runs, that the state's project is the one that
adoption will find, and refuses otherwise.

The adoption sets nothing on the project: not its size, and not its password. The
program's database password must therefore already be the live one, or every connection
string the program builds would carry a password the database refuses. It is carried over:
the program's `RandomPassword` is imported by the live password's value (the random
provider's import: `terraform import random_password.password securepassword`,
docs/resources/password.md), taken from the state's `database_password`.
"""

from typing import Any

from components.supabase.project_inputs import REPLACE_ON_CHANGE, UPDATE_IN_PLACE
from components.supabase.provider import SupabaseProjectProvider
from crms_infra.adopt.changes import Adopted, AdoptionRefused, Change, Effect, How, shown
from crms_infra.adopt.program import SUPABASE_PROJECT, ProgramResource, ProgramRun
from crms_infra.adopt.terraform_state import StateResource, TerraformState
from stacks.config_keys import PROJECT, config_key

RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword"  # noqa: S105 (a type)

# What the random provider's import sets (terraform-provider-random,
# internal/provider/resource_password.go, ImportState): the length of the value, every
# character class on, no minimums, no override_special, no keepers. Each of these
# attributes forces a replacement when the program's differs (RequiresReplace there).
_IMPORTED_CLASSES = {"special": True, "upper": True, "lower": True, "numeric": True, "number": True}
_IMPORTED_MINIMUMS = {"minSpecial": 0, "minUpper": 0, "minLower": 0, "minNumeric": 0}
_PROGRAM_DEFAULTS = {**_IMPORTED_CLASSES, **_IMPORTED_MINIMUMS}
"""The schema's defaults for what a program leaves out: the same as the import's."""


SIZE_SETTING = ("database", "instance_size")


def live_project_ref(state: TerraformState) -> str | None:
    """The ref of the state's one Supabase project (None when there is not exactly one)."""
    projects = state.of_type("supabase_project")
    return str(projects[0].attributes.get("id")) if len(projects) == 1 else None


def adopt_database(state: TerraformState, program: ProgramRun) -> list[Adopted]:
    """The project (adopted by name) and its password (imported); the state holds exactly
    one project (state_checks.py)."""
    projects = state.of_type("supabase_project")
    (wanted,) = program.of_type(SUPABASE_PROJECT)
    live = next((p for p in projects if p.attributes.get("name") == wanted.inputs["name"]), None)
    if live is None:
        names = ", ".join(
            f"{p.address} is named {shown(p.attributes.get('name'))}" for p in projects
        )
        raise AdoptionRefused(
            f"{names}, but the program names its project {wanted.inputs['name']!r}: adoption by "
            "name would not find it, and `pulumi up` would create a second, empty project"
        )
    _check_place(live, wanted, program)
    password = _password_resource(wanted, program)
    return [_project(live, wanted), _password(live, password)]


def _check_place(live: StateResource, wanted: ProgramResource, program: ProgramRun) -> None:
    """Adoption looks in the stack's organization and region only; a project elsewhere
    would be passed over (or refused) and a new one made. The state's `organization_id` is
    the organization's slug (its description in internal/provider/project_resource.go)."""
    for attribute, prop, path in (
        ("organization_id", "organization_slug", ("database", "organization_slug")),
        ("region", "region", ("database", "region")),
    ):
        if live.attributes.get(attribute) != wanted.inputs[prop]:
            raise AdoptionRefused(
                f"{live.address} is in {attribute.split('_')[0]} "
                f"{shown(live.attributes.get(attribute))}, but {program.stack_file} sets "
                f"{PROJECT}:{config_key(path)} to {wanted.inputs[prop]!r}: the program would "
                "not adopt it but create another project there"
            )


def _project(live: StateResource, wanted: ProgramResource) -> Adopted:
    """What a `pulumi refresh` then `up` would do once the adoption's state (the program's
    values) is refreshed from the live project: the provider's own diff decides."""
    live_values = {
        **wanted.inputs,
        "name": live.attributes.get("name"),
        "organization_slug": live.attributes.get("organization_id"),
        "region": live.attributes.get("region"),
        "instance_size": live.attributes.get("instance_size") or wanted.inputs["instance_size"],
    }
    diff = SupabaseProjectProvider().diff(
        str(live.attributes.get("id")), live_values, wanted.inputs
    )
    changes = [
        Change(
            key,
            shown(live_values[key]),
            shown(wanted.inputs[key]),
            Effect.REPLACE if key in (diff.replaces or []) else Effect.LATER,
            "adoption keeps the live project as it is; the state records the program's value",
        )
        for key in (*REPLACE_ON_CHANGE, *UPDATE_IN_PLACE)
        if key != "db_pass" and live_values[key] != wanted.inputs[key]
    ]
    notes = [
        f"project ref {shown(live.attributes.get('id'))}: `pulumi up` creates {wanted.name}, "
        "whose create finds this project by name and takes it as it is (no call changes it)"
    ]
    if not live.attributes.get("instance_size"):
        notes.append(
            "the state does not say the live compute size: if it is not "
            f"{wanted.inputs['instance_size']}, set {PROJECT}:{config_key(SIZE_SETTING)} to it "
            "first (adoption does not resize; a later refresh and `up` would)"
        )
    return Adopted(
        live.address,
        wanted,
        How.BY_NAME,
        replacement_loses="the live database and all its data",
        changes=changes,
        notes=notes,
    )


def _password_resource(wanted: ProgramResource, program: ProgramRun) -> ProgramResource:
    sources = [
        program.resources[urn]
        for urn in wanted.input_dependencies.get("db_pass", frozenset())
        if urn in program.resources and program.resources[urn].type == RANDOM_PASSWORD
    ]
    if len(sources) != 1:
        raise AdoptionRefused(
            f"the program's database password ({wanted.name} db_pass) does not come from one "
            "RandomPassword, so the live password cannot be carried over into it"
        )
    return sources[0]


def _password(live: StateResource, password: ProgramResource) -> Adopted:
    value = live.attributes.get("database_password")
    if not isinstance(value, str) or not value:
        raise AdoptionRefused(
            f"{live.address} holds no database_password in this state, so the live password "
            "cannot be carried over, and the program's new one would not reach the database "
            "(adoption by name does not set it)"
        )
    changes = _password_replacements(len(value), password)
    return Adopted(
        f"{live.address} database_password",
        password,
        How.IMPORT,
        replacement_loses="the live password: a new one is set on the database at once, "
        "while the running app still connects with the old one",
        import_id=value,
        import_id_is_secret=True,
        changes=changes,
        notes=["the live password, carried over: the program's connection strings use it"],
    )


def _password_replacements(length: int, password: ProgramResource) -> list[Change]:
    imported: dict[str, Any] = {
        "length": length, **_IMPORTED_CLASSES, **_IMPORTED_MINIMUMS, "overrideSpecial": None,
    }  # fmt: skip
    changes = []
    for key, value in imported.items():
        wanted = password.inputs.get(key, _PROGRAM_DEFAULTS.get(key))
        if isinstance(wanted, float) and wanted.is_integer():
            wanted = int(wanted)
        if key in password.ignore_changes or wanted == value:
            continue
        before = "the live password's" if key == "length" else shown(value)
        changes.append(
            Change(key, before, shown(wanted), Effect.REPLACE, "rotates the live password")
        )
    return changes
