"""The alert rules' settings of a stack: the seed's four rules (monitoring/alerts.yml) and
the drain's heartbeat, each enabled or not, with its minutes, severity, recipients and a
threshold its kind bounds (stacks/settings.py holds them under `alerts`)."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from app.metric_catalog import DEFAULT_CONTRACT_CREATION_ROUTE, ROUTE_PATTERN
from stacks.alert_rules import AlertKind
from stacks.settings_base import EmailAddress, Settings


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"


# Bounded, as every list setting is (tests/stacks/test_settings.py checks each field).
Recipients = Annotated[list[EmailAddress], Field(min_length=1, max_length=20)]


class AlertRuleSettings(Settings):
    enabled: bool = Field(description="Whether this alert rule exists in the stack.")
    minutes: int = Field(ge=1, le=1440, description="Minutes the condition must hold.")
    severity: Severity = Field(description="critical or warning.")
    recipients: Recipients = Field(description="E-mail addresses notified by the alarm.")
    threshold: float = Field(description="The alarm's threshold; each kind of rule bounds it.")


class PercentAlertRule(AlertRuleSettings):
    threshold: float = Field(gt=0, le=100, description="Alarm above this percentage.")


class LatencyAlertRule(AlertRuleSettings):
    threshold: float = Field(gt=0, le=800, description="Alarm above this many seconds.")
    route: Annotated[str, Field(pattern=ROUTE_PATTERN, max_length=200)] = Field(
        DEFAULT_CONTRACT_CREATION_ROUTE,
        description="The web app's request timed, as `METHOD /route` (its trace span's name).",
    )


class SilenceAlertRule(AlertRuleSettings):
    threshold: int = Field(
        1, ge=1, le=100_000, description="Alarm when fewer drain deliveries arrive in the minutes."
    )


class AlertSettings(Settings):
    """The seed's four alert rules (monitoring/alerts.yml), tunable per stack, and the
    drain's heartbeat: the rules fed by Vercel's drains are blind while it is silent."""

    # One field per stacks.alert_rules.AlertKind, named by its key
    # (tests/stacks/test_settings.py holds the two together).
    high_error_rate: PercentAlertRule
    slow_contract_creation: LatencyAlertRule
    low_disk_space: PercentAlertRule
    payment_failures: PercentAlertRule
    drain_silence: SilenceAlertRule

    def rule(self, kind: AlertKind) -> AlertRuleSettings:
        rule: AlertRuleSettings = getattr(self, kind.key)
        return rule

    def rules(self) -> list[tuple[AlertKind, AlertRuleSettings]]:
        """Every rule's settings, in AlertKind's order."""
        return [(kind, self.rule(kind)) for kind in AlertKind]
