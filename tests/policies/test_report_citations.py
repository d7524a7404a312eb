"""The residency report and the SARIF locations cite the pack's rules by name: each one
they cite exists."""

from crms_rules.all_rules import ALL_RULES

from crms_infra.check.sarif_locations import RULE_SETTINGS
from crms_infra.residency.classify import DATA_TYPES
from crms_infra.residency.verdicts import ARTICLES


def test_every_cited_rule_is_a_rule_of_the_pack() -> None:
    pack = {rule.name for rule in ALL_RULES}
    assert set(ARTICLES) <= pack, set(ARTICLES) - pack
    assert {rule for kind in DATA_TYPES.values() for rule in kind.rules} <= set(ARTICLES)


def test_every_residency_rule_of_the_pack_is_cited() -> None:
    residency = {rule.name for rule in ALL_RULES if rule.name.startswith("residency-")}
    assert residency <= set(ARTICLES)


def test_every_rule_located_by_its_settings_is_a_rule_of_the_pack() -> None:
    assert set(RULE_SETTINGS) <= {rule.name for rule in ALL_RULES}
