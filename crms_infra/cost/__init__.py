"""`crms-infra cost`: a stack's monthly cost, priced from its plan and vendored price data."""
