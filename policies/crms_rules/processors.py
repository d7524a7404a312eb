"""Processors of personal data: every one the stack hands a key to is declared, and error
replays go only to Sentry's EU region.

The program declares each processor (stacks/processors.py) and exports the declarations
as the stack output `processors`; the revFADP asks for that record (Art. 12) and for the
guarantees of a disclosure abroad (Art. 16-17). The pack runs in its own environment, so
it keeps a copy of which Vercel variables and which resource types hand a key to which
processor; tests/policies/test_copies.py ties the copy to the declarations.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import Resource, Rule, Severity, StackRule, Violation, as_list, of_type

STACK = "pulumi:pulumi:Stack"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
OUTPUT = "processors"
PROCESSOR_VARIABLES = {
    "STRIPE_SECRET_KEY": "Stripe",
    "STRIPE_WEBHOOK_SECRET": "Stripe",
    "RESEND_API_KEY": "Resend",
    "SENTRY_DSN": "Sentry",
    "UPSTASH_REDIS_URL": "Upstash",
    "UPSTASH_REDIS_TOKEN": "Upstash",
    "REDIS_URL": "Upstash",
    "NEXT_PUBLIC_SUPABASE_ANON_KEY": "Supabase",
    "SUPABASE_SERVICE_KEY": "Supabase",
    "DATABASE_URL": "Supabase",
}
"""Each Vercel variable that carries a processor's credentials or address, and whose."""
PROCESSOR_TYPES = {
    "upstash:index/redisDatabase:RedisDatabase": "Upstash",
    "vercel:index/project:Project": "Vercel",
    "pulumi-python:dynamic/supabase:Project": "Supabase",
    # Supabase Auth sends its e-mails through Resend's SMTP with the stack's Resend key.
    "pulumi-python:dynamic/supabase:AuthConfig": "Resend",
    "pulumi-python:dynamic/sentry:Project": "Sentry",
    "pulumi-python:dynamic/sentry:ClientKey": "Sentry",
}
"""Resources the stack makes with a processor's own provider key."""
SENTRY, SENTRY_EU = "Sentry", "eu"
SENTRY_REPLAYS_VARIABLE = "NEXT_PUBLIC_SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE"
REQUIRED = ("entity", "data", "places", "transferBasis", "sources")


def _declared(resources: Sequence[Resource]) -> dict[str, Mapping[str, Any]]:
    return {
        str(declaration.get("name")): declaration
        for stack in of_type(resources, STACK)
        for declaration in as_list(stack.props.get(OUTPUT))
        if isinstance(declaration, Mapping)
    }


def _stack_urn(resources: Sequence[Resource]) -> str | None:
    return next((stack.urn for stack in of_type(resources, STACK)), None)


def declared(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    found = _declared(resources)
    for resource in resources:
        if resource.type == VARIABLE:
            via = str(resource.props.get("key"))
            name = PROCESSOR_VARIABLES.get(via)
        else:
            via, name = resource.type, PROCESSOR_TYPES.get(resource.type)
        if name is not None and name not in found:
            yield Violation(
                f"{via} hands personal data to {name}, which the stack does not declare as a "
                f"processor (stack output {OUTPUT})",
                resource.urn,
            )
    for name, declaration in sorted(found.items()):
        missing = [field for field in REQUIRED if not declaration.get(field)]
        undated = [
            str(source.get("url"))
            for source in as_list(declaration.get("sources"))
            if not (isinstance(source, Mapping) and source.get("url") and source.get("read"))
        ]
        if missing or undated:
            gaps = [*missing, *(f"the date {url} was read" for url in undated)]
            yield Violation(
                f"the declaration of {name} lacks {', '.join(gaps)}", _stack_urn(resources)
            )


def sentry_replays_in_eu(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    rates = [
        variable
        for variable in of_type(resources, VARIABLE)
        if variable.props.get("key") == SENTRY_REPLAYS_VARIABLE
    ]
    sentry = _declared(resources).get(SENTRY) or {}
    regions = {
        str(place.get("code"))
        for place in as_list(sentry.get("places"))
        if isinstance(place, Mapping)
    }
    for variable in rates:
        if float(str(variable.props.get("value") or 0)) > 0 and regions != {SENTRY_EU}:
            yield Violation(
                f"error replays go to Sentry's {', '.join(sorted(regions)) or 'undeclared'} "
                "region: a replay records what the user saw, personal data included",
                variable.urn,
            )


RULES: list[Rule] = [
    StackRule(
        name="processors-declared",
        description=(
            "Every processor the stack hands a key to is declared, with its data, places, "
            "transfer basis and dated sources."
        ),
        severity=Severity.HIGH,
        remediation="Declare the processor in stacks/processors.py (processors()).",
        check=declared,
    ),
    StackRule(
        name="processors-sentry-replays-eu",
        description="Error replays go only to a Sentry organization in the EU region.",
        severity=Severity.HIGH,
        remediation=(
            "Set crms:sentryReplaysOnErrorSampleRate to 0, or use an EU Sentry organization "
            "(crms:sentryRegion: eu, a DSN on *.de.sentry.io)."
        ),
        check=sentry_replays_in_eu,
    ),
]
