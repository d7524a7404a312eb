"""Who may open a Vercel project's deployments, set on the project itself so that nothing
depends on the team's defaults or on the dashboard.

The Vercel provider's project arguments (pulumiverse_vercel/project.py; terraform-provider-vercel
vercel/resource_project.go, which maps each value to the API's):
- `vercel_authentication.deployment_type`: who must be a logged-in member of the team;
  omitted, the project inherits the team's default;
- `trusted_ips {addresses, deployment_type, protection_mode}`: which addresses may open
  the deployments of a scope;
- `git_fork_protection`: a pull request from a fork is deployed only once a team member
  authorizes it, when the project has environment variables (the schema's default is true;
  set explicitly all the same; https://vercel.com/docs/project-configuration/security-settings).

What each plan allows is checked with the settings (stacks/preview_settings.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumiverse_vercel as vercel


@dataclass(frozen=True, kw_only=True)
class Protection:
    """The deployment protection of one project."""

    vercel_authentication: str
    """The provider's `vercel_authentication.deployment_type` (stacks/preview_settings.py
    lists the values, from the provider's schema)."""
    trusted_ips: Sequence[str] = ()
    """Addresses or CIDR ranges that alone may open the deployments Vercel Authentication
    guards; none: no such limit."""

    def authentication(self) -> vercel.ProjectVercelAuthenticationArgs:
        return vercel.ProjectVercelAuthenticationArgs(deployment_type=self.vercel_authentication)

    def trusted_ips_arguments(self) -> vercel.ProjectTrustedIpsArgs | None:
        """The address allow-list, if any, over the same deployments."""
        if not self.trusted_ips:
            return None
        return vercel.ProjectTrustedIpsArgs(
            addresses=[vercel.ProjectTrustedIpsAddressArgs(value=ip) for ip in self.trusted_ips],
            deployment_type=self.vercel_authentication,
            protection_mode="trusted_ip_required",
        )


GIT_FORK_PROTECTION = True
"""A fork's pull request deploys only once a team member authorizes it."""
