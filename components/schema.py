"""The database schema: the app's SQL migrations, applied on `pulumi up`.

A dynamic resource carries the migration set (names and SQL) as its inputs, so
a plan or preview shows which migrations change, and an update runs the
runner (`app.operators.migrate`) against the database. The runner applies only what is
pending, under an advisory lock, so a rerun or a concurrent CI job is safe.
Removing the resource leaves the schema alone: data outlives its migrations.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from app.operators.migration_set import Migration, set_checksum
from stacks.json_values import JsonObject, JsonValue, as_object, as_text


class MigrationsProvider(ResourceProvider):
    def create(self, props: JsonObject) -> CreateResult:
        return CreateResult("crms-schema", self._apply(props))

    def diff(self, _id: str, olds: JsonObject, news: JsonObject) -> DiffResult:
        # Another database (a replaced project) needs the whole set applied afresh.
        replaces = ["database_url"] if olds.get("database_url") != news.get("database_url") else []
        changed = bool(replaces) or olds.get("checksum") != news.get("checksum")
        return DiffResult(changes=changed, replaces=replaces, delete_before_replace=False)

    def update(self, _id: str, _olds: JsonObject, news: JsonObject) -> UpdateResult:
        return UpdateResult(self._apply(news))

    def delete(self, _id: str, _props: JsonObject) -> None:
        pulumi.log.info("schema migrations removed from the stack; the schema itself is kept")

    def _apply(self, props: JsonObject) -> JsonObject:
        # Imported here: only the provider needs the driver, not every plan of the program.
        from app.operators.migrate import migrate

        texts = sorted(as_object(props["migrations"]).items())
        migrations = [Migration(name, as_text(text)) for name, text in texts]
        newly_applied: list[JsonValue] = [*migrate(as_text(props["database_url"]), migrations)]
        return {**props, "newly_applied": newly_applied}


class SchemaMigrations(Resource, module="crms", name="SchemaMigrations"):
    newly_applied: pulumi.Output[list[str]]

    def __init__(
        self, name: str, props: pulumi.Inputs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(MigrationsProvider(), name, {**props, "newly_applied": None}, opts)


@dataclass(frozen=True, kw_only=True)
class SchemaArgs:
    database_url: pulumi.Input[str]
    """Connection string the runner uses (secret); a session-mode URL (advisory locks)."""
    migrations: Sequence[Migration]
    """The migration set, in order (`app.operators.migration_set.discover()`)."""


class Schema(pulumi.ComponentResource):
    checksum: str

    def __init__(
        self, name: str, args: SchemaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Schema", name, None, opts)
        self.checksum = set_checksum(args.migrations)
        self.migrations = SchemaMigrations(
            f"{name}-migrations",
            {
                "database_url": pulumi.Output.secret(args.database_url),
                "migrations": {migration.name: migration.sql for migration in args.migrations},
                "checksum": self.checksum,
            },
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"checksum": self.checksum})
