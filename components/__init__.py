"""The program's component resources (database, schema, compute, drains, cache, storage,
identity, alerts, key policies), the pieces they are built from (a hardened bucket,
replication, alarm watches, function limits), and the Supabase dynamic resources."""
