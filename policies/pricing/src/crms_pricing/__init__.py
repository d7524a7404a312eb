"""Price a stack's resources for a month, from vendored, dated price data.

One package for both readers: `crms-infra cost` (and the plan's and the diff's monthly
totals) and the policy pack's cost rules. It lives beside the pack, which must carry it
when published, and both environments install it editable from here
(policies/pricing/pyproject.toml). Standard library only, so that the pack's environment
needs nothing more.
"""
