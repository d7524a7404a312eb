"""The policy pack runs in its own environment and cannot import the program, so it keeps
copies of a few of the program's facts. Each copy is tied here to
the one source it copies."""

import re
from typing import get_args

from crms_pricing import s3 as s3_pricing
from crms_rules import budget, operations, previews, processors, residency, s3, supabase
from pulumi.dynamic import Resource

from app.operators.migrate import BOOKKEEPING_SCHEMA
from app.operators.migration_set import MIGRATIONS_DIR
from components.purposes import PURPOSE_TAG, Purpose
from components.supabase import network_restrictions
from components.supabase.auth_config import AuthConfig
from components.supabase.network_restrictions import NetworkRestrictions
from components.supabase.pitr import PitrAddon
from components.supabase.postgres_config import PostgresConfig
from components.supabase.postgrest import PostgrestConfig
from components.supabase.provider import SupabaseProject
from components.supabase.ssl_enforcement import SslEnforcement
from components.variables import Target
from crms_infra.cost import plan_costs
from stacks import data_plane, regions
from stacks import processors as program_processors
from stacks.alert_rules import AlertKind
from stacks.preview_settings import VercelAuthentication
from stacks.provider_config import PROVIDER_SECRET_KEYS
from stacks.regions import SentryRegion
from stacks.secrets import SECRET_KEYS
from stacks.settings import AppEnvironment
from tests.helpers import load, resources


def test_the_seed_alarms_are_the_enums_seed_rules() -> None:
    expected = {kind.resource_suffix for kind in AlertKind if kind.from_seed}
    assert len(expected) == 4  # the seed's monitoring/alerts.yml has four rules
    assert set(operations.SEED_ALARMS) == expected


def test_the_region_allow_lists_are_the_settings() -> None:
    assert residency.ZURICH == regions.ZURICH
    assert set(get_args(regions.AwsEuropeanRegion)) == residency.AWS_EUROPEAN
    assert set(get_args(regions.UpstashEuropeanRegion)) == residency.UPSTASH_EUROPEAN
    assert set(get_args(regions.VercelEuropeanRegion)) == residency.VERCEL_EUROPEAN


def test_the_backups_tag_is_the_storages() -> None:
    assert (PURPOSE_TAG, Purpose.BACKUPS.value) == (s3.PURPOSE_TAG, s3.BACKUPS)


def test_the_processors_variables_are_the_declarations() -> None:
    declared = program_processors.processors(load("prod"))
    by_variable = {variable: p.name for p in declared for variable in p.variables}
    assert by_variable == processors.PROCESSOR_VARIABLES
    assert processors.SENTRY_REPLAYS_VARIABLE == program_processors.SENTRY_REPLAYS_VARIABLE
    assert SentryRegion.EU.value == processors.SENTRY_EU
    assert processors.SENTRY in {p.name for p in declared}
    assert set(processors.PROCESSOR_TYPES.values()) <= {p.name for p in declared}
    assert set(processors.PROCESSOR_TYPES) <= {r["type"] for r in resources("prod")}


def test_every_credential_the_stack_reads_belongs_to_a_declared_processor() -> None:
    """AWS is reached through the OIDC role, never a key in config (its keys are refused)."""
    declared = {key for p in program_processors.processors(load("prod")) for key in p.secret_keys}
    credentials = {f"crms:{key}" for key in SECRET_KEYS} | PROVIDER_SECRET_KEYS
    assert credentials - declared == {"aws:accessKey", "aws:secretKey", "aws:token"}


def test_the_supabase_types_are_the_resources() -> None:
    def token(resource: type[Resource]) -> str:
        return f"pulumi-python:{resource._resource_type_name}"  # as Resource.__init__ names it

    assert (token(SupabaseProject), token(AuthConfig), token(SslEnforcement)) == (
        supabase.PROJECT,
        supabase.AUTH,
        supabase.SSL,
    )
    assert (
        token(NetworkRestrictions),
        token(PitrAddon),
        token(PostgrestConfig),
        token(PostgresConfig),
    ) == (supabase.NETWORK, supabase.PITR, supabase.DATA_API, supabase.POSTGRES)
    assert supabase.OPEN == network_restrictions.OPEN


def test_the_internal_schemas_are_the_apps() -> None:
    """Every schema the migrations create, and the runner's own, beside Supabase's auth."""
    created = {
        name.lower()
        for path in MIGRATIONS_DIR.glob("*.sql")
        for name in re.findall(r"CREATE SCHEMA (?:IF NOT EXISTS )?(\w+)", path.read_text(), re.I)
    }
    assert set(supabase.INTERNAL_SCHEMAS) == created | {BOOKKEEPING_SCHEMA, "auth"}


def test_the_pack_reads_the_output_the_tool_reads() -> None:
    assert budget.COST_INPUTS == plan_costs.COST_INPUTS


def test_the_pricing_knows_every_bucket_purpose() -> None:
    assert set(s3_pricing.STORED_GB) == {purpose.value for purpose in Purpose}


def test_the_previews_rule_reads_what_the_program_writes() -> None:
    assert previews.ENVIRONMENT_VARIABLES == data_plane.ENVIRONMENT_VARIABLES
    assert previews.PREVIEWS_OUTPUT == data_plane.PREVIEWS_OUTPUT
    assert AppEnvironment.PRODUCTION.value == previews.PRODUCTION
    assert set(previews.NOT_PRODUCTION) == {t.value for t in Target} - {previews.PRODUCTION}
    assert {p.value for p in VercelAuthentication} - {"none"} == previews.COVERS_PREVIEWS
