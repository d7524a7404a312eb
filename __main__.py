"""The CRMS program: load the stack's settings, build the components, export the outputs."""

import pulumi

from app.migrate import discover
from components.database import Database, DatabaseArgs
from components.schema import Schema, SchemaArgs
from stacks.loader import load_settings

settings = load_settings()

database = Database(
    "database",
    DatabaseArgs(
        project_name=f"crms-{settings.environment.value}",
        organization_slug=settings.database.organization_slug,
        region=settings.database.region,
        instance_size=settings.database.instance_size.value,
        management_api=settings.database.management_api,
        protect=settings.protect_stateful_resources,
    ),
)
schema = Schema(
    "schema",
    SchemaArgs(database_url=database.session_url, migrations=discover()),
    pulumi.ResourceOptions(depends_on=[database]),
)

pulumi.export("environment", settings.environment.value)
pulumi.export("functionRegions", settings.compute.function_regions)
pulumi.export("supabaseProjectRef", database.ref)
pulumi.export("supabaseUrl", database.api_url)
pulumi.export("supabaseAnonKey", database.anon_key)
pulumi.export("databaseUrl", database.direct_url)
pulumi.export("schemaChecksum", schema.checksum)
