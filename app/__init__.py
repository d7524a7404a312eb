"""The CRMS ops app: health check, metrics, backups and schema migrations.

The stack bundles this package and deploys it to Vercel as Python functions.
"""
