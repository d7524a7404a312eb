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

from components.function_limits import FunctionLimits

ALL_TARGETS = ["production", "preview", "development"]
PLAIN_VARIABLES = "plainVariables"
"""The component output that names each project's non-sensitive variables and their values.
The provider marks every variable's value secret (pulumiverse_vercel,
project_environment_variable.py: `pulumi.Output.secret(value)`), so only the program knows
which are plain: a value derived from a secret stays secret in this output too, and the
offline plan shows the others (crms_infra/offline/plain_variables.py)."""
# Vercel refuses sensitive variables in the development target: secrets reach
# production and preview only; local development brings its own.
SENSITIVE_TARGETS = ["production", "preview"]


@dataclass(frozen=True)
class EnvVar:
    key: str
    value: pulumi.Input[str]
    sensitive: bool


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
    """The web app's environment variables."""
    ops_environment: Sequence[EnvVar]
    """The ops app's environment variables."""
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
            opts=project_options,
        )
        self.ops_project = vercel.Project(
            f"{name}-ops",
            name=args.ops_project_name,
            resource_config=limits,
            # Functions get an OIDC token issued by https://oidc.vercel.com/<team>.
            oidc_token_config=vercel.ProjectOidcTokenConfigArgs(issuer_mode="team"),
            opts=project_options,
        )
        # Vercel sends it with every cron call; the app refuses cron routes without it.
        self.cron_secret = random.RandomPassword(
            f"{name}-cron-secret", length=48, special=False, opts=child
        )
        cron_secret = EnvVar("CRON_SECRET", self.cron_secret.result, sensitive=True)
        self._environment(f"{name}-web", self.web_project, args.web_environment)
        ops_environment = [*args.ops_environment, cron_secret]
        ops_variables = self._environment(f"{name}-ops", self.ops_project, ops_environment)
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
                "webVariables": [variable.key for variable in args.web_environment],
                PLAIN_VARIABLES: {
                    project: {v.key: v.value for v in variables if not v.sensitive}
                    for project, variables in (
                        (args.web_project_name, args.web_environment),
                        (args.ops_project_name, ops_environment),
                    )
                },
            }
        )

    def _environment(
        self, name: str, project: vercel.Project, variables: Sequence[EnvVar]
    ) -> list[vercel.ProjectEnvironmentVariable]:
        return [
            vercel.ProjectEnvironmentVariable(
                f"{name}-{variable.key.lower().replace('_', '-')}",
                project_id=project.id,
                key=variable.key,
                value=pulumi.Output.secret(variable.value)
                if variable.sensitive
                else variable.value,
                targets=SENSITIVE_TARGETS if variable.sensitive else ALL_TARGETS,
                sensitive=variable.sensitive,
                # Vercel refuses a second variable with the same key and target
                # (ENV_CONFLICT, vercel/terraform-provider-vercel client/environment_variable.go),
                # so a replacement (a change of `sensitive` or `key`) must delete the old first.
                # Deployments keep the values they were built with; only a build in between
                # would miss the variable (https://vercel.com/docs/environment-variables).
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
            for variable in variables
        ]
