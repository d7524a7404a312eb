"""Vercel's drains from the web project to the ops app: the data of the request alarms.

Two drains, because Vercel splits what the alarms need
(https://vercel.com/docs/drains/reference/logs, .../reference/traces):
- a log drain (pulumiverse-vercel `LogDrain`, terraform-provider-vercel
  `vercel_log_drain`: delivery_format json|ndjson, sources, environments,
  project_ids, secret) carries each request's `proxy.statusCode`, `path` and
  `method`: Requests and Errors;
- a trace drain (`TraceDrain`, `vercel_trace_drain`: OTLP delivery_format json|proto,
  project_ids, secret) carries span start and end times: ContractCreationTime.
Log entries have no duration, and spans have no log drain, hence both.

Both sign each delivery with the secret generated here (`x-vercel-signature`, HMAC-SHA1
of the body: https://vercel.com/docs/drains/security); the ops app holds it as a
sensitive variable. `DrainSigning` exists before the ops deployment (its variables go
into it), `Drains` after (Vercel verifies the endpoint when the drain is created).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_random as random
import pulumiverse_vercel as vercel

from app import paths
from components.variables import EnvVar

LOG_SOURCES = ["static", "edge", "external", "lambda", "firewall", "redirect"]
"""Every request-serving source the provider accepts (not `build`): a request served
from the CDN or refused by the firewall is a request the error rate counts."""


@dataclass(frozen=True, kw_only=True)
class DrainSigningArgs:
    contract_creation_route: str
    """The web app's request timed as contract creation, `METHOD /route`."""


class DrainSigning(pulumi.ComponentResource):
    """The drain's secret and Vercel's endpoint verification code, for the ops app."""

    secret: random.RandomPassword
    ops_environment: list[EnvVar]

    def __init__(
        self, name: str, args: DrainSigningArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:DrainSigning", name, None, opts)
        self.secret = random.RandomPassword(
            f"{name}-secret", length=48, special=False, opts=pulumi.ResourceOptions(parent=self)
        )
        # The code the endpoint must answer in `x-vercel-verify` (provider doc of LogDrain).
        verification = vercel.get_endpoint_verification_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        self.ops_environment = [
            EnvVar("DRAIN_SECRET", self.secret.result, sensitive=True),
            EnvVar("DRAIN_VERIFICATION_CODE", verification.verification_code, sensitive=False),
            EnvVar("CONTRACT_CREATION_ROUTE", args.contract_creation_route, sensitive=False),
        ]
        self.register_outputs({"variables": [v.key for v in self.ops_environment]})


@dataclass(frozen=True, kw_only=True)
class DrainsArgs:
    web_project_id: pulumi.Input[str]
    """The web app's project: the only project drained."""
    ops_project_name: str
    """The ops app's project, whose production domain receives the deliveries."""
    ops_domains: pulumi.Input[Sequence[str]]
    """The domains of the ops app's production deployment."""
    ops_url: pulumi.Input[str]
    """The deployment's own URL: the fallback when it has no other domain."""
    secret: pulumi.Input[str]
    """DrainSigning's secret."""
    environments: Sequence[str] = ("production",)
    """The web app's environments drained (the alarms watch production traffic)."""


class Drains(pulumi.ComponentResource):
    log_drain: vercel.LogDrain
    trace_drain: vercel.TraceDrain

    def __init__(
        self, name: str, args: DrainsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Drains", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        host = pulumi.Output.all(args.ops_domains, args.ops_url).apply(
            lambda values: production_host(values[0], values[1], args.ops_project_name)
        )
        secret = pulumi.Output.secret(args.secret)
        self.log_drain = vercel.LogDrain(
            f"{name}-logs",
            name=f"{args.ops_project_name}-logs",
            delivery_format="ndjson",
            endpoint=host.apply(lambda h: f"https://{h}{paths.DRAIN_LOGS}"),
            environments=list(args.environments),
            sources=LOG_SOURCES,
            project_ids=[args.web_project_id],
            secret=secret,
            opts=child,
        )
        self.trace_drain = vercel.TraceDrain(
            f"{name}-traces",
            name=f"{args.ops_project_name}-traces",
            delivery_format="json",
            endpoint=host.apply(lambda h: f"https://{h}{paths.DRAIN_TRACES}"),
            project_ids=[args.web_project_id],
            secret=secret,
            opts=child,
        )
        self.register_outputs(
            {"logEndpoint": self.log_drain.endpoint, "traceEndpoint": self.trace_drain.endpoint}
        )


def production_host(domains: Sequence[str] | None, url: str, project_name: str) -> str:
    """The production domain to deliver to. Vercel's Standard Protection guards a
    deployment's own URL but not the project's production domains, so the drain
    posts to `<project>.vercel.app` when the deployment has it, else to another
    domain of the deployment, and to the deployment's URL only as a last resort."""
    others = [domain for domain in domains or [] if domain != url]
    preferred = f"{project_name}.vercel.app"
    if preferred in others:
        return preferred
    return sorted(others, key=len)[0] if others else url
