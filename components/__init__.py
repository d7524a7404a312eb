"""One ComponentResource per module: database, compute, cache, storage, alerts, identity."""
