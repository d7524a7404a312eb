"""Each revFADP rule of the policy pack, its verdict on one resource, and the article it rests on.

The verdicts are the pack's own (the plan's policy section); the stack's policy
config (`policies/config.<stack>.json`, read by `crms_infra.policy_config`) says which
rules a stack switches off and which resources it exempts, with what reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from crms_infra.markdown import code_span, plain
from crms_infra.plan_model import Violation, at, items
from crms_infra.policy_config import PolicyConfig

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
    "s3-acls-disabled": "revFADP Art. 8 (data security: confidentiality)",
    "s3-tls-only": "revFADP Art. 8 (data security: transport)",
    "s3-access-logging": "DPO Art. 4 (logging)",
    "s3-log-retention": "DPO Art. 4 (logs kept one year)",
    "s3-backups-object-lock": "revFADP Art. 8 (data security: integrity)",
    "protect-stateful": "revFADP Art. 8 (data security: availability)",
    "secrets-vercel-env-sensitive": "revFADP Art. 8 (data security: access control)",
    "processors-declared": "revFADP Art. 12 (record of processing), Art. 16 (disclosure abroad)",
    "processors-sentry-replays-eu": "revFADP Art. 16 (disclosure abroad)",
    "supabase-configuration-managed": "revFADP Art. 8 (data security)",
    "supabase-ssl-enforced": "revFADP Art. 8 (data security: transport)",
    "supabase-network-restricted": "revFADP Art. 8 (data security: access control)",
    "supabase-pitr-enabled": "revFADP Art. 8 (data security: availability)",
    "supabase-data-api-internal-schemas": "revFADP Art. 8 (data security: confidentiality)",
    "supabase-auth-custom-smtp": "revFADP Art. 9 (processing by processors)",
    "supabase-auth-site-url": "revFADP Art. 8 (data security: transport)",
    "supabase-auth-checklist": "revFADP Art. 8 (data security: access control)",
    "previews-without-production-secrets": "revFADP Art. 8 (data security: access control)",
    "previews-protected": "revFADP Art. 8 (data security: access control)",
    "sentry-eu-region": "revFADP Art. 16 (disclosure abroad)",
    "sentry-scrubbing-on": "revFADP Art. 6 (proportionality: no more data than needed)",
}


class Subject(NamedTuple):
    """What verdicts are given on: a resource's URN and name."""

    urn: str
    name: str


def allowed_outside_zurich(config: PolicyConfig) -> dict[str, str]:
    """The buckets the residency rule allows outside Zurich, by name, with the reason."""
    allowances = config.arguments_of("residency-buckets-zurich").get("allowedOutsideZurich")
    return {str(at(entry, "bucket")): str(at(entry, "reason")) for entry in items(allowances)}


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
    subject: Subject,
    violations: Sequence[Violation],
    policy: PolicyConfig,
) -> list[Verdict]:
    """Each rule's verdict on `subject` (a resource, or the stack as a whole)."""
    urn, name = subject
    exemptions = {
        (exemption.rule, exemption.urn): f"{exemption.reason} (until {exemption.expires})"
        for exemption in policy.exemptions()
    }
    allowed = allowed_outside_zurich(policy)
    found = []
    for rule in rules:
        article = ARTICLES[rule]
        messages = [
            violation["message"]
            for violation in violations
            if violation["policy"] == rule and violation["urn"] in (urn, None)
        ]
        if policy.is_disabled(rule):
            found.append(Verdict(rule, article, "off in this stack"))
        elif messages:
            found.append(Verdict(rule, article, "violates", "; ".join(messages)))
        elif (rule, urn) in exemptions:
            found.append(Verdict(rule, article, "exempt", exemptions[(rule, urn)]))
        elif rule == "residency-buckets-zurich" and name in allowed:
            reason = allowed[name]
            found.append(Verdict(rule, article, "meets", f"allowed outside Zurich: {reason}"))
        else:
            found.append(Verdict(rule, article, "meets"))
    return found


def verdict_lines(found: list[Verdict]) -> list[str]:
    """Each verdict as a Markdown list item under a `- rules:` item."""
    return [
        f"  - {code_span(verdict.rule)} ({plain(verdict.article)}): {verdict.status}"
        + (f": {plain(verdict.detail)}" if verdict.detail else "")
        for verdict in found
    ]
