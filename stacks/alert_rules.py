"""The alert rules, one enum: `AlertKind` names the rules and carries each one's
description and the deployed piece that publishes its data. What each alarm watches is
stacks.alert_watches' (the program's side: it builds the components' types, which the
CLI must not import before the program runs).
"""

from enum import Enum


class AlertKind(Enum):
    """The alert rules: the seed's four (monitoring/alerts.yml) and the drain's heartbeat.

    The one list of them. The value is the rule's key (the settings field under
    `alerts`, hence the config keys `crms:alerts<Key>...`); each member carries its
    description, which deployed piece publishes its data, and whether
    the seed asks for it. The policy pack keeps a copy of the seed's alarm names
    (policies/crms_rules/operations.py); tests/policies tie it to this enum.
    """

    description: str
    source: str
    from_seed: bool

    def __new__(cls, key: str, description: str, source: str, from_seed: bool) -> "AlertKind":
        member = object.__new__(cls)
        member._value_ = key
        member.description, member.source = description, source
        member.from_seed = from_seed
        return member

    HIGH_ERROR_RATE = (
        "high_error_rate",
        "More than the threshold's percentage of requests failed.",
        "Vercel log drain on the web project -> ops app POST /api/drain/logs",
        True,
    )
    SLOW_CONTRACT_CREATION = (
        "slow_contract_creation",
        "95th percentile of contract creation time above the threshold.",
        "Vercel trace drain on the web project -> POST /api/drain/traces",
        True,
    )
    LOW_DISK_SPACE = (
        "low_disk_space",
        "Database disk usage above the threshold's percentage.",
        "ops app cron GET /api/cron/metrics (database size probe)",
        True,
    )
    PAYMENT_FAILURES = (
        "payment_failures",
        "More than the threshold's percentage of payment attempts failed.",
        "ops app cron GET /api/cron/metrics (payments table, by status)",
        True,
    )
    DRAIN_SILENCE = (
        "drain_silence",
        "Fewer Vercel drain deliveries than the threshold: request alarms are blind.",
        "ops app drain endpoints (one DrainDeliveries per accepted delivery)",
        False,
    )

    @property
    def key(self) -> str:
        """The settings field under `alerts`, and the alarm's name in the outputs."""
        return str(self.value)

    @property
    def resource_suffix(self) -> str:
        """The end of the alarm's resource name (`alerts-high-error-rate`), as
        components.alerts names it and the policy pack finds it."""
        return self.key.replace("_", "-")
