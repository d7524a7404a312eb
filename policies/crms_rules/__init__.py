"""The CRMS policy rules: small pure validators, assembled into a pack by `policies/__main__.py`."""
