"""One change per configuration surface: its inputs and a change of one field it owns, for
the tests that run every surface's operations (test_sequences, test_endpoints)."""

from dataclasses import dataclass
from typing import Any

from components.supabase.auth_config import AuthConfigProvider
from components.supabase.network_restrictions import (
    NetworkRestrictionsInputs,
    NetworkRestrictionsProvider,
)
from components.supabase.pitr import PitrInputs, PitrProvider
from components.supabase.postgres_config import PostgresConfigInputs, PostgresConfigProvider
from components.supabase.postgrest import PostgrestInputs, PostgrestProvider
from components.supabase.ssl_enforcement import SslEnforcementInputs, SslEnforcementProvider
from components.supabase.surface import SurfaceInputs, SurfaceProvider
from tests.components.supabase.support import auth_inputs


@dataclass(frozen=True)
class Case:
    provider: type[SurfaceProvider]
    inputs: SurfaceInputs
    change: dict[str, Any]
    """A change of one owned field."""


CASES = {
    "auth": Case(AuthConfigProvider, auth_inputs(), {"mailer_otp_exp": 1800}),
    "ssl": Case(SslEnforcementProvider, SslEnforcementInputs(database=True), {"database": False}),
    "network": Case(
        NetworkRestrictionsProvider,
        NetworkRestrictionsInputs(allowed_cidrs=["185.199.108.0/22"]),
        {"allowed_cidrs": ["185.199.108.0/22", "2606:50c0::/32"]},
    ),
    "pitr": Case(PitrProvider, PitrInputs(variant="pitr_7"), {"variant": "pitr_14"}),
    "data-api": Case(
        PostgrestProvider, PostgrestInputs(db_schema="public", max_rows=1000), {"max_rows": 500}
    ),
    "postgres": Case(
        PostgresConfigProvider,
        PostgresConfigInputs(statement_timeout="120s"),
        {"statement_timeout": "60s"},
    ),
}
