"""The Supabase Management API v1, spoken directly: a client and a dynamic provider.

The PyPI `pulumi-supabase` (1.1.2, 2022) implements no update or delete and
rejects the Zurich region; the official Terraform provider needs the Pulumi CLI
to generate an SDK. So the project talks to the API itself.
"""
