"""Each revFADP rule of the policy pack, its verdict on one resource, and the article it rests on.

The verdicts are the pack's own (the plan's policy section); the stack's policy
config (`policies/config.<stack>.json`) says which rules a stack switches off and
which resources it exempts, with what reason.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The revFADP (SR 235.1) and its ordinance, the DPO (SR 235.11), in force since
# 2023-09-01 (https://www.fedlex.admin.ch/eli/cc/2022/491/en).
ARTICLES: dict[str, str] = {
    "residency-database-zurich": "revFADP Art. 16 (disclosure abroad)",
    "residency-buckets-zurich": "revFADP Art. 16 (disclosure abroad)",
    "residency-service-regions": "revFADP Art. 16 (disclosure abroad)",
    "residency-drains-own-endpoint": "revFADP Art. 16 (disclosure abroad)",
    "s3-encryption": "revFADP Art. 8 (data security)",
    "s3-versioning": "revFADP Art. 8 (data security: availability)",
    "s3-public-access-block": "revFADP Art. 8 (data security: confidentiality)",
    "s3-tls-only": "revFADP Art. 8 (data security: transport)",
    "s3-access-logging": "DPO Art. 4 (logging)",
    "s3-log-retention": "DPO Art. 4 (logs kept one year)",
    "s3-backups-object-lock": "revFADP Art. 8 (data security: integrity)",
    "protect-stateful": "revFADP Art. 8 (data security: availability)",
    "secrets-vercel-env-sensitive": "revFADP Art. 8 (data security: access control)",
    "supabase-configuration-managed": "revFADP Art. 8 (data security)",
    "supabase-ssl-enforced": "revFADP Art. 8 (data security: transport)",
    "supabase-network-restricted": "revFADP Art. 8 (data security: access control)",
    "supabase-pitr-enabled": "revFADP Art. 8 (data security: availability)",
    "supabase-data-api-internal-schemas": "revFADP Art. 8 (data security: confidentiality)",
    "supabase-auth-custom-smtp": "revFADP Art. 9 (processing by processors)",
    "supabase-auth-site-url": "revFADP Art. 8 (data security: transport)",
    "supabase-auth-checklist": "revFADP Art. 8 (data security: access control)",
}


@dataclass(frozen=True)
class PolicySettings:
    """A stack's policy config: rules switched off, exemptions by rule and URN, and the
    buckets the residency rule allows outside Zurich (by name, with the reason)."""

    disabled: frozenset[str]
    exemptions: dict[tuple[str, str], str]
    allowed_outside_zurich: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, pack_dir: Path, stack: str) -> "PolicySettings":
        path = pack_dir / f"config.{stack}.json"
        config: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
        disabled = {rule for rule, value in config.items() if value == "disabled"}
        exemptions = {
            (rule, exemption["urn"]): f"{exemption['reason']} (until {exemption['expires']})"
            for rule, value in config.items()
            if isinstance(value, dict)
            for exemption in value.get("exemptions", [])
        }
        buckets = config.get("residency-buckets-zurich")
        allowances = buckets.get("allowedOutsideZurich", []) if isinstance(buckets, dict) else []
        allowed = {entry["bucket"]: entry["reason"] for entry in allowances}
        return cls(frozenset(disabled), exemptions, allowed)


@dataclass(frozen=True)
class Verdict:
    rule: str
    article: str
    status: str
    """`meets`, `violates`, `exempt` (a reasoned, dated exemption) or `off in this stack`."""
    detail: str = ""

    @property
    def passes(self) -> bool:
        return self.status != "violates"


def verdicts(
    rules: tuple[str, ...],
    resource: dict[str, Any],
    violations: list[dict[str, Any]],
    policy: PolicySettings,
) -> list[Verdict]:
    urn = resource["urn"]
    found = []
    for rule in rules:
        article = ARTICLES[rule]
        messages = [
            violation["message"]
            for violation in violations
            if violation["policy"] == rule and violation.get("urn") in (urn, None)
        ]
        if rule in policy.disabled:
            found.append(Verdict(rule, article, "off in this stack"))
        elif messages:
            found.append(Verdict(rule, article, "violates", "; ".join(messages)))
        elif (rule, urn) in policy.exemptions:
            found.append(Verdict(rule, article, "exempt", policy.exemptions[(rule, urn)]))
        elif (
            rule == "residency-buckets-zurich" and resource["name"] in policy.allowed_outside_zurich
        ):
            reason = policy.allowed_outside_zurich[resource["name"]]
            found.append(Verdict(rule, article, "meets", f"allowed outside Zurich: {reason}"))
        else:
            found.append(Verdict(rule, article, "meets"))
    return found
