"""Config keys of the providers' namespaces that a stack file may hold.

The deploy steps (docs/deploy.md) tell users to set `vercel:apiToken`, `vercel:team`,
`upstash:email` and `upstash:apiKey` (and AWS reads `AWS_PROFILE`); any key the provider
declares is accepted, anything else in its namespace is a typo the provider would not read.
The lists are each pinned SDK's own (`<package>/config/vars.py`), and the secret
ones are those its `provider.py` wraps in `Output.secret` (the provider schema's
`secret: true`); `tests/stacks/test_provider_config.py` ties both to the SDKs.
"""

PROVIDER_KEYS: dict[str, frozenset[str]] = {
    # pulumiverse-vercel: pulumiverse_vercel/config/vars.py
    "vercel": frozenset({"apiToken", "team"}),
    # upstash-pulumi: upstash_pulumi/config/vars.py
    "upstash": frozenset({"apiKey", "email"}),
    # pulumi-aws: pulumi_aws/config/vars.py
    "aws": frozenset(
        {
            "accessKey",
            "allowedAccountIds",
            "assumeRoleWithWebIdentity",
            "assumeRoles",
            "customCaBundle",
            "defaultTags",
            "ec2MetadataServiceEndpoint",
            "ec2MetadataServiceEndpointMode",
            "endpoints",
            "forbiddenAccountIds",
            "httpProxy",
            "httpsProxy",
            "ignoreTags",
            "insecure",
            "maxRetries",
            "noProxy",
            "profile",
            "region",
            "retryMode",
            "s3UsEast1RegionalEndpoint",
            "s3UsePathStyle",
            "secretKey",
            "sharedConfigFiles",
            "sharedCredentialsFiles",
            "skipCredentialsValidation",
            "skipMetadataApiCheck",
            "skipRegionValidation",
            "skipRequestingAccountId",
            "stsRegion",
            "tagPolicyCompliance",
            "token",
            "tokenBucketRateLimiterCapacity",
            "useDualstackEndpoint",
            "useFipsEndpoint",
            "userAgents",
        }
    ),
}
"""Per provider namespace, the config keys its Python SDK declares."""

PROVIDER_SECRET_KEYS: frozenset[str] = frozenset(
    {"vercel:apiToken", "upstash:apiKey", "aws:accessKey", "aws:secretKey", "aws:token"}
)
"""Provider keys that hold credentials: a stack file must hold them encrypted (`--secret`)."""


def vercel_team_problem(team: object, oidc_team: str) -> str | None:
    """What is wrong with `vercel:team` (where the provider makes the projects) beside
    `crms:computeVercelTeam` (the team whose OIDC issuer, `https://oidc.vercel.com/<team
    slug>`, the AWS role trusts: components/identity.py; https://vercel.com/docs/oidc/reference),
    or None. Projects of another team get their tokens from that team's issuer, which the role
    refuses, so the two must name one team. The provider also takes a team ID, which cannot
    be matched to a slug offline: the slug is asked for."""
    if team is None or team == oidc_team:
        return None
    if isinstance(team, str) and team.startswith("team_"):
        return (
            f"is a team ID: set the team's slug, the one crms:computeVercelTeam names "
            f"({oidc_team}), so that the OIDC issuer the AWS role trusts is checked against it"
        )
    return (
        f"must be the team crms:computeVercelTeam names ({oidc_team}): that team's OIDC "
        f"issuer (https://oidc.vercel.com/{oidc_team}) is the one the AWS role trusts"
    )
