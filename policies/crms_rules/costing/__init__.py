"""Price a stack's resources for a month, from vendored, dated price data.

Standard library only, and only relative imports inside the package: the policy pack
runs in its own environment and carries a byte-for-byte copy of this package
(`policies/crms_rules/costing/`, tied here by `tests/policies/test_copies.py`).
"""
