"""Every rule of the pack, in one list."""

from crms_rules import (
    budget,
    iam,
    kms,
    notifications,
    operations,
    payments,
    previews,
    processors,
    residency,
    s3,
    supabase,
)
from crms_rules.core import Rule

ALL_RULES: list[Rule] = [
    *residency.RULES,
    *s3.RULES,
    *iam.RULES,
    *kms.RULES,
    *operations.RULES,
    *notifications.RULES,
    *processors.RULES,
    *previews.RULES,
    *supabase.RULES,
    *budget.RULES,
    *payments.RULES,
]
