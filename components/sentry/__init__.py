"""Sentry's web API, spoken directly: a client and the dynamic providers of a project and
its client key.

Why not `pulumiverse-sentry` (0.0.9, 2024-11-15): it bridges jianyuan/
terraform-provider-sentry v0.11.2 (pulumiverse/pulumi-sentry provider/go.mod, commit
3f4824e2), whose `sentry_project` has no data-scrubbing argument at all (sentry/
resource_sentry_project.go at v0.11.2, commit efcdc645: organization, teams, name, slug,
platform, digests, resolve_age) and whose provider takes one `base_url` defaulting to
`https://sentry.io/api/` without ever reading the organization's data region
(sentry/provider.go there). What this stack must hold, scrubbing and the EU region, it
could not set or check; so, as for Supabase, the project calls the API itself.
"""
