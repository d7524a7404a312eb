"""CRMS compute on Vercel: the web app's project and the ops app's project and deployment.

The web app (Next.js) deploys from its own repository; this stack owns its
project: framework, region, the seed's per-stack function limits and its
environment. The ops app (this repository's `app/`) is built here (`make build`
runs `vercel build` on the stack's bundle) and deployed prebuilt.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_random as random
import pulumiverse_vercel as vercel

from components.deployment_protection import GIT_FORK_PROTECTION, Protection
from components.function_limits import FunctionLimits
from components.variables import EnvVar, plain_values, project_variables

PLAIN_VARIABLES = "plainVariables"
"""The component output that holds each non-sensitive variable's value, by the variable
resource's name. The provider marks every variable's value secret (pulumiverse_vercel,
project_environment_variable.py: `pulumi.Output.secret(value)`), so only the program knows
which are plain: a value derived from a secret stays secret in this output too, and the
offline plan shows the others (crms_infra/offline/plain_variables.py)."""


@dataclass(frozen=True, kw_only=True)
class ComputeArgs:
    web_project_name: str
    """The web app's project (the seed's crms-<environment>)."""
    ops_project_name: str
    """The ops app's project; the AWS role trusts only this name."""
    function_regions: Sequence[str]
    """Vercel function regions (EU only by the settings)."""
    function_limits: FunctionLimits
    """Compute mode, CPU class and maxDuration: both projects' function defaults."""
    web_environment: Sequence[EnvVar]
    """The web app's environment variables, each with its targets."""
    web_protection: Protection
    """Who may open the web app's previews and deployments."""
    ops_protection: Protection
    """Who may open the ops app's deployments."""
    ops_environment: Sequence[EnvVar]
    """The ops app's environment variables (production: it has no previews)."""
    bundle_dir: str
    """Where `make build` left the ops app's `vercel build` output."""
    bundle_digest: str
    """SHA-256 of the bundle's sources: a changed app shows as a changed deployment."""
    protect: bool
    """Protect both projects: production's domains and variables live on them, the ops role
    trusts the ops project's name, and the web project may be one adopted from Terraform."""


class Compute(pulumi.ComponentResource):
    web_project: vercel.Project
    ops_project: vercel.Project
    deployment: vercel.Deployment

    def __init__(
        self, name: str, args: ComputeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Compute", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        project_options = pulumi.ResourceOptions(parent=self, protect=args.protect)
        # Regions only through resource_config: the provider refuses them together with the
        # deprecated serverless_function_region (ConflictsWith, vercel/resource_project.go).
        # `fluid` is set explicitly: Vercel turns Fluid compute on for new projects, and the
        # CPU class (functionDefaultMemoryType in the API) decides the memory under it.
        limits: vercel.ProjectResourceConfigArgsDict = {
            "fluid": args.function_limits.fluid,
            "function_default_cpu_type": args.function_limits.cpu.cpu_type.value,
            "function_default_timeout": args.function_limits.max_duration_seconds,
            "function_default_regions": list(args.function_regions),
        }
        self.web_project = vercel.Project(
            f"{name}-web",
            name=args.web_project_name,
            framework="nextjs",
            resource_config=limits,
            vercel_authentication=args.web_protection.authentication(),
            trusted_ips=args.web_protection.trusted_ips_arguments(),
            git_fork_protection=GIT_FORK_PROTECTION,
            opts=project_options,
        )
        self.ops_project = vercel.Project(
            f"{name}-ops",
            name=args.ops_project_name,
            resource_config=limits,
            # Functions get an OIDC token issued by https://oidc.vercel.com/<team>.
            oidc_token_config=vercel.ProjectOidcTokenConfigArgs(issuer_mode="team"),
            vercel_authentication=args.ops_protection.authentication(),
            git_fork_protection=GIT_FORK_PROTECTION,
            opts=project_options,
        )
        # Vercel sends it with every cron call; the app refuses cron routes without it.
        self.cron_secret = random.RandomPassword(
            f"{name}-cron-secret", length=48, special=False, opts=child
        )
        cron_secret = EnvVar("CRON_SECRET", self.cron_secret.result, sensitive=True)
        web, ops = f"{name}-web", f"{name}-ops"
        project_variables(web, self.web_project, args.web_environment, self)
        ops_environment = [*args.ops_environment, cron_secret]
        ops_variables = project_variables(ops, self.ops_project, ops_environment, self)
        prebuilt = vercel.get_prebuilt_project_output(
            path=args.bundle_dir, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        self.deployment = vercel.Deployment(
            f"{name}-ops",
            project_id=self.ops_project.id,
            files=prebuilt.output,
            path_prefix=args.bundle_dir,
            production=True,
            meta={"bundleSha256": args.bundle_digest},
            # A deployment reads the project's variables as they are when it is made.
            opts=pulumi.ResourceOptions(parent=self, depends_on=ops_variables),
        )
        self.register_outputs(
            {
                "webProjectId": self.web_project.id,
                "opsProjectId": self.ops_project.id,
                "opsUrl": self.deployment.url,
                "webVariables": sorted({variable.key for variable in args.web_environment}),
                PLAIN_VARIABLES: {
                    **plain_values(args.web_environment, web),
                    **plain_values(ops_environment, ops),
                },
            }
        )
