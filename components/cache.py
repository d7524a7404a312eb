"""The CRMS cache: one Upstash Redis database per stack, as close to Zurich as Upstash goes."""

from dataclasses import dataclass

import pulumi
import upstash_pulumi as upstash


@dataclass(frozen=True, kw_only=True)
class CacheArgs:
    database_name: str
    """Upstash database name, unique within the account."""
    primary_region: str
    """Upstash primary region; eu-central-1 (Frankfurt): Upstash has no Swiss region."""
    eviction: bool = True
    """Evict keys when the database is full rather than refuse writes."""
    monthly_budget_usd: int = 20
    """Upstash's monthly spending cap in USD."""
    protect: bool = True
    """Protect the database from deletion."""


class Cache(pulumi.ComponentResource):
    endpoint: pulumi.Output[str]
    redis_url: pulumi.Output[str]
    rest_url: pulumi.Output[str]
    rest_token: pulumi.Output[str]

    def __init__(
        self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Cache", name, None, opts)
        self.database = upstash.RedisDatabase(
            f"{name}-redis",
            database_name=args.database_name,
            # Upstash's "global" type is the one that takes a primary region.
            region="global",
            primary_region=args.primary_region,
            tls=True,
            eviction=args.eviction,
            budget=args.monthly_budget_usd,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.endpoint = pulumi.Output.secret(self.database.endpoint)
        self.redis_url = pulumi.Output.secret(
            pulumi.Output.format(
                "rediss://default:{0}@{1}:{2}",
                self.database.password,
                self.database.endpoint,
                self.database.port,
            )
        )
        self.rest_url = pulumi.Output.secret(
            pulumi.Output.concat("https://", self.database.endpoint)
        )
        self.rest_token = pulumi.Output.secret(self.database.rest_token)
        self.register_outputs(
            {"redisUrl": self.redis_url, "restUrl": self.rest_url, "restToken": self.rest_token}
        )
