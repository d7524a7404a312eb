"""The web app's previews as a holder of data of their own: whose database, cache, Stripe
mode and keys they use, and who may open them, from the stack outputs `previews` (what
previews get) and `webDataPlane` (what production gets), written by stacks/data_plane.py.
"""

from dataclasses import dataclass, field

from pydantic import JsonValue

from crms_infra.markdown import code_span, one_line, table_cell
from crms_infra.plan_model import JsonObject, Plan, Violation, at
from crms_infra.policy_config import PolicyConfig
from crms_infra.residency.links import as_list
from crms_infra.residency.locations import Location, aws_location
from crms_infra.residency.verdicts import Subject, Verdict, verdict_lines, verdicts

PREVIEWS_OUTPUT = "previews"
DATA_PLANE_OUTPUT = "webDataPlane"
RULES = ("previews-without-production-secrets", "previews-protected")


@dataclass(frozen=True)
class DataPlaneFacts:
    """Whose data one target of the web app reaches."""

    stack: str
    environment: str
    database_url: str
    database: Location
    cache: Location
    stripe_mode: str


@dataclass(frozen=True)
class Previews:
    production: DataPlaneFacts
    previews: DataPlaneFacts
    sentry_environment: str
    vercel_authentication: str
    trusted_ips: list[str]
    variables: list[str]
    """The web app's variables whose preview values come from the previews' data plane."""
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def meets_rules(self) -> bool:
        return all(verdict.passes for verdict in self.verdicts)


def previews_of(plan: Plan, policy: PolicyConfig) -> Previews | None:
    """None for a plan whose program says nothing of its previews."""
    described, own = plan["outputs"].get(PREVIEWS_OUTPUT), plan["outputs"].get(DATA_PLANE_OUTPUT)
    if not isinstance(described, dict) or not isinstance(own, dict):
        return None
    # Judged as a whole: a violation may name a variable, a project or the stack.
    mine: list[Violation] = [
        {**v, "urn": None} for v in plan["policy"]["violations"] if v["policy"] in RULES
    ]
    return Previews(
        production=_facts("this stack", own, at(own, "variables", "NEXT_PUBLIC_SUPABASE_URL")),
        previews=_facts(str(described.get("dataPlane")), described, described.get("databaseUrl")),
        sentry_environment=str(described.get("sentryEnvironment")),
        vercel_authentication=str(described.get("vercelAuthentication")),
        trusted_ips=[str(ip) for ip in as_list(described.get("trustedIps"))],
        variables=[str(key) for key in as_list(described.get("variables"))],
        verdicts=verdicts(RULES, Subject("", ""), mine, policy),
    )


def _facts(stack: str, described: JsonObject, url: JsonValue | None) -> DataPlaneFacts:
    return DataPlaneFacts(
        stack=stack,
        environment=str(described.get("environment")),
        database_url=str(url),
        database=aws_location(str(described.get("databaseRegion"))),
        cache=aws_location(str(described.get("cacheRegion"))),
        stripe_mode=str(described.get("stripeMode")),
    )


def previews_markdown(previews: Previews | None) -> list[str]:
    if previews is None:
        return []
    production, preview = previews.production, previews.previews
    rows = [
        ("database (Supabase)", f"{production.database_url}, {production.database.label()}",
         f"{preview.database_url}, {preview.database.label()}"),
        ("cache (Upstash)", production.cache.label(), preview.cache.label()),
        ("Stripe", f"{production.stripe_mode} mode", f"{preview.stripe_mode} mode"),
        ("Resend, Sentry", "this stack's keys",
         f"the keys of {preview.stack}; Sentry environment {previews.sentry_environment}"),
    ]  # fmt: skip
    protection = f"Vercel Authentication {code_span(previews.vercel_authentication)}"
    if previews.trusted_ips:
        protection += f", from {', '.join(previews.trusted_ips)} only"
    whose = (
        f"this stack's own ({preview.environment}), under variables of their own"
        if preview.stack == production.stack
        else f"{one_line(preview.stack)}'s ({preview.environment}), not this stack's"
    )
    return [
        "",
        "## Previews of pull requests",
        "",
        "Every pull request of the web app gets a preview deployment, built from a branch "
        f"anyone with push access controls. Their data plane: {whose}. Who may open them: "
        f"{protection}.",
        "",
        "| | production | previews |",
        "|---|---|---|",
        *(f"| {' | '.join(table_cell(cell) for cell in row)} |" for row in rows),
        "",
        "- rules:",
        *verdict_lines(previews.verdicts),
    ]


def processor_previews_line(previews: Previews | None, variables: list[str]) -> list[str]:
    """What a processor's keys are in previews, if previews get any of them."""
    keys = sorted(set(variables) & set(previews.variables)) if previews else []
    if previews is None or not keys:
        return []
    mode = (
        f", Stripe in {previews.previews.stripe_mode} mode"
        if any(key.startswith("STRIPE_") for key in keys)
        else ""
    )
    shown = ", ".join(code_span(key) for key in keys)
    return [f"- previews: {shown} of {one_line(previews.previews.stack)}{mode}"]
