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
