"""The CRMS ops app: health check, drains, metrics, backups and schema migrations.

By role, each a package; a module belongs to the role whose code imports it:

    app/routes/     what the deployed Vercel function serves: the ASGI app (app.routes.web),
                    the health check, the drain endpoints, the cron routes and their guard,
                    and what only they use (configuration, request limits, Redis, redaction)
    app/jobs/       the work the crons run: the backup manifest, the disk probe, the
                    payments count; plain functions of their inputs, no HTTP, no environment
    app/operators/  what an operator runs by hand or the stack runs on `pulumi up`: the
                    migration runner and its SQL (app/operators/migrations/), the backup
                    CLI (run, verify, restore)
    app/*.py        what several roles, or the stack itself, use: the paths the app serves
                    (app.paths), the metrics catalogue and its publisher (app.metric_catalog,
                    app.metrics), AWS credentials from Vercel's OIDC token (app.aws, app.oidc);
                    `python -m app serve` (app/__main__.py) serves the routes locally

Left at the top level rather than in a `common` package: the stack imports the app's
contracts from there (app.paths, app.metric_catalog, app.aws.SERVICES), and the package
root is already the namespace every role shares; a `common` segment would name nothing.

A cron is both a route and a job. Its handler (Vercel's call checked, one run at a time,
the answer's status) is a route, in app.routes.web; the work it runs is a job, in app.jobs,
which knows nothing of the request, so an operator or a test runs the same code.

Imports go one way: routes and operators may import jobs and the top level; jobs import
only the top level; the top level imports no role (but app/__main__.py, which serves the
routes); in the program only operators and the stack (components.schema applies the
migrations) import operators. The deployment ships only what the function imports
(stacks.bundle), so no operator's module and no SQL reaches Vercel; tests/test_layout.py
holds these rules.
"""
