"""The external processors of personal data the stack hands a key to, on the record.

The revFADP (SR 235.1) has a controller keep a record of its processing with the
recipients and, for a disclosure abroad, the states and the guarantees of Art. 16-17
(Art. 12). The stack's own stores are in the residency report; these are the services it
only gives credentials to (the secrets in stacks/secrets.py and the providers' keys), or
whose company sits elsewhere than the data. Each declaration names what data goes there,
where it lies, the legal basis for a transfer outside Switzerland and the EU/EEA, and the
vendor pages it was read from, with the date. The stack exports them (`processors`); the
residency report lists them and the policy pack refuses a stack that wires a processor's
key without a declaration (policies/crms_rules/processors.py keeps a copy of the variable
names, tied here by tests/policies/test_copies.py).
"""

from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pulumi

from stacks.problems import Problem, SettingsError
from stacks.regions import SentryRegion
from stacks.settings import StackSettings

READ_ON = "2026-12-04"
"""When the vendor pages below were read."""
TO_CONFIRM = "the mechanism was not stated on the pages read: confirm it in the DPA before use"


@dataclass(frozen=True)
class Place:
    """Where data lies: a region code of a kind the report can place (`aws`, `vercel`,
    `sentry`), or a country by name (`country`)."""

    kind: str
    code: str


@dataclass(frozen=True)
class Processor:
    name: str
    entity: str
    data: str
    places: tuple[Place, ...]
    transfer_basis: str
    sources: tuple[str, ...]
    secret_keys: tuple[str, ...]
    """The config keys of its credentials (stacks/secrets.py, stacks/provider_config.py)."""
    variables: tuple[str, ...]
    """The Vercel variables that carry its credentials or address."""

    def record(self) -> dict[str, Any]:
        """The declaration as the stack exports it (camelCase, sources dated)."""
        fields = asdict(self)
        return {
            "name": self.name,
            "entity": self.entity,
            "data": self.data,
            "places": fields["places"],
            "transferBasis": self.transfer_basis,
            "sources": [{"url": url, "read": READ_ON} for url in self.sources],
            "secretKeys": list(self.secret_keys),
            "variables": list(self.variables),
        }


STRIPE = Processor(
    name="Stripe",
    entity="Stripe, Inc. (United States)",
    data="payments for rental contracts: card and payer details, amounts, e-mail, address",
    places=(Place("country", "United States"),),
    transfer_basis=(
        "Data Privacy Framework: Stripe, Inc. is self-certified and receives Swiss and EEA "
        "personal data under it; the EU SCCs apply next if it lapses (Stripe Data Transfers "
        "Addendum, sections 2-3). Switzerland lists the US as adequate for DPF-certified "
        "companies (DPO Annex 1)."
    ),
    sources=("https://stripe.com/legal/dta",),
    secret_keys=("crms:stripeSecretKey",),
    variables=("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"),
)
RESEND = Processor(
    name="Resend",
    entity="Resend (United States)",
    data="auth and product e-mail: recipients' addresses and names, message content",
    places=(Place("country", "United States"),),
    transfer_basis=(
        "Account data, e-mail metadata and logs are stored in the US whatever the sending "
        f"region (Resend, Choosing a Region); Resend's DPA (resend.com/legal/dpa): {TO_CONFIRM}."
    ),
    sources=("https://resend.com/docs/dashboard/domains/regions",),
    secret_keys=("crms:resendApiKey",),
    variables=("RESEND_API_KEY",),
)
UPSTASH = Processor(
    name="Upstash",
    entity="Upstash, Inc. (United States)",
    data="the cache: application data and sessions, which may hold personal data",
    places=(),  # the stack's cache regions, filled in by processors()
    transfer_basis=(
        "At rest in the EU (the cache's regions); Upstash, Inc. operates it from the US "
        f"under its DPA: {TO_CONFIRM}."
    ),
    sources=("https://upstash.com/static/legal/terms.html",),
    secret_keys=("upstash:apiKey",),
    variables=("UPSTASH_REDIS_URL", "UPSTASH_REDIS_TOKEN", "REDIS_URL"),
)
VERCEL = Processor(
    name="Vercel",
    entity="Vercel Inc. (United States)",
    data="every request while a function serves it, runtime logs, the projects' variables",
    places=(Place("country", "United States"),),  # and the function regions, by processors()
    transfer_basis=(
        "Functions run in the stack's regions; builds, logs and backups, which Vercel's DPA "
        f"says are replicated globally, lie elsewhere unless set. Vercel's DPA: {TO_CONFIRM}."
    ),
    sources=(
        "https://vercel.com/legal/dpa",
        "https://vercel.com/docs/functions/configuring-functions/region",
    ),
    secret_keys=("vercel:apiToken",),
    variables=(),
)
SUPABASE = Processor(
    name="Supabase",
    entity="Supabase, Inc. (United States)",
    data="the database: companies, staff, customers, contracts, payments, photo metadata",
    places=(),  # the database's region, filled in by processors()
    transfer_basis=(
        "At rest in the project's region; backups, logs and sub-processors may lie elsewhere "
        f"(Supabase, GDPR compliance). Supabase's DPA: {TO_CONFIRM}."
    ),
    sources=("https://supabase.com/docs/guides/security/gdpr-compliance",),
    secret_keys=("crms:supabaseAccessToken",),
    variables=("NEXT_PUBLIC_SUPABASE_ANON_KEY", "SUPABASE_SERVICE_KEY", "DATABASE_URL"),
)
SENTRY_REPLAYS_VARIABLE = "NEXT_PUBLIC_SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE"
"""The web project's variable that turns Sentry's replays of errors on (0 is off)."""
_SENTRY_DATA = "errors of the web app: stack traces, request data, user identifiers"


def sentry(region: SentryRegion, replays_on_error_sample_rate: float) -> Processor:
    replays = (
        f"; the session replay of {replays_on_error_sample_rate:.0%} of errors"
        if replays_on_error_sample_rate
        else "; no session replays"
    )
    at_rest = (
        "At rest in Frankfurt (EU data storage location); Functional Software, Inc. in the US "
        "still accesses it under"
        if region is SentryRegion.EU
        else "At rest in Iowa (US data storage location), under"
    )
    return Processor(
        name="Sentry",
        entity="Functional Software, Inc. d/b/a Sentry (United States)",
        data=_SENTRY_DATA + replays,
        places=(Place("sentry", region.value),),
        transfer_basis=f"{at_rest} Sentry's DPA (sentry.io/legal/dpa, 5.1.0): {TO_CONFIRM}.",
        sources=(
            "https://docs.sentry.io/organization/data-storage-location/",
            "https://docs.sentry.io/product/security/ip-ranges/",
            "https://sentry.io/legal/dpa/",
        ),
        secret_keys=("crms:sentryAuthToken",),
        variables=("SENTRY_DSN",),
    )


def processors(settings: StackSettings) -> list[Processor]:
    """Every processor the stack hands a key to, with where this stack's settings put it."""
    functions = tuple(Place("vercel", region) for region in settings.compute.function_regions)
    return [
        STRIPE,
        RESEND,
        sentry(settings.sentry.region, settings.sentry.replays_on_error_sample_rate),
        _placed(UPSTASH, (Place("aws", settings.cache.primary_region),)),
        _placed(VERCEL, functions + VERCEL.places),
        _placed(SUPABASE, (Place("aws", settings.database.region),)),
    ]


def records(settings: StackSettings, sentry_region_url: pulumi.Input[str]) -> pulumi.Output[Any]:
    """The declarations as the stack exports them, Sentry's placed where its project's
    organization stores data as the API reports it (the resource's `region_url`), not where
    the settings say: a project in another region shows as that region."""
    by_url = {region.api_url: region for region in SentryRegion}
    replays = settings.sentry.replays_on_error_sample_rate

    def placed(url: str) -> list[dict[str, Any]]:
        region = by_url.get(url)
        declared = [
            (sentry(region, replays) if region is not None else _placed(
                sentry(settings.sentry.region, replays), (Place("sentry", url),)
            )) if processor.name == "Sentry" else processor
            for processor in processors(settings)
        ]  # fmt: skip
        return [processor.record() for processor in declared]

    return pulumi.Output.from_input(sentry_region_url).apply(placed)


def _placed(processor: Processor, places: tuple[Place, ...]) -> Processor:
    return replace(processor, places=places)


def sentry_region_of(dsn: str) -> SentryRegion | None:
    """The region a DSN's host names, or None for a host that is not Sentry's SaaS."""
    host = (urlsplit(dsn).hostname or "").lower()
    if host.endswith(".de.sentry.io"):
        return SentryRegion.EU
    if host == "sentry.io" or host.endswith(".sentry.io"):
        return SentryRegion.US
    return None


def checked_sentry_dsn(dsn: str, region: SentryRegion, stack_file: str) -> str:
    """The DSN, if its host is in the region the stack declares; run when `pulumi up` has
    the secret (offline it is a stand-in, which names no Sentry host)."""
    found = sentry_region_of(dsn)
    if found is not None and found is not region:
        allowed = (
            f"the host of the Sentry key's DSN is in Sentry's {found.value} region: set "
            f"crms:sentryRegion: {found.value}, or use the DSN of an organization in {region.value}"
        )
        raise SettingsError(stack_file, [Problem("sentryRegion", region.value, allowed)])
    return dsn
