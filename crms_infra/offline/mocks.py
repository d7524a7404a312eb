"""Mock provider behaviour: deterministic IDs and the computed outputs programs read.

A real provider computes outputs such as an ARN or a bucket's domain name. The
program feeds some of them into other resources (a policy naming a bucket ARN),
so the mocks fill the ones this project reads, derived from the resource's name
alone: two plans of the same program are byte-identical.
"""

import hashlib
from pathlib import Path
from typing import Any

import pulumi

from crms_infra.bundle.output_tree import output_files, provider_files
from crms_infra.bundle.vercel_limits import OverLimitError, check_files

MOCK_ACCOUNT = "123456789012"
DEFAULT_REGION = "eu-central-2"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


def mock_id(name: str) -> str:
    return f"{name}-id"


def fake_secret(urn_or_name: str) -> str:
    """A stand-in for a generated secret, stable across runs and never a real value."""
    return "mock-" + hashlib.sha256(urn_or_name.encode()).hexdigest()[:24]


def prebuilt_project(path: str) -> dict[str, Any]:
    """What the Vercel provider reads from `<path>/.vercel/output`
    (crms_infra/bundle/output_tree.py).

    An unbuilt bundle (no `make build` yet) yields no files, as the plan then shows. A build
    over Vercel's limits stops the plan, as it would stop `pulumi up` at the API.
    """
    project = Path(path)
    files = output_files(project)
    findings = check_files(files)
    if findings:
        raise OverLimitError(project / ".vercel" / "output", findings)
    return {"id": path, "path": path, "output": provider_files(project, files)}


class PlanMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.provider_regions: dict[str, str] = {}
        self.generated_secrets: set[str] = set()
        self.stack_references: dict[str, dict[str, Any]] = {}
        """What a `pulumi.StackReference` reads, by the referenced stack's full name: the
        builtin provider's state (`name`, `outputs`, `secretOutputNames`)."""
        self.errors: list[Exception] = []
        """Why the plan cannot go on (a build that cannot be read, an unknown stack
        reference): the plan stops on the first, once the program has finished."""

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        if args.typ == STACK_REFERENCE:
            return self._stack_reference(str(args.inputs.get("name")))
        state = dict(args.inputs)
        if args.typ == "pulumi:providers:aws":
            self.provider_regions[args.name] = str(args.inputs.get("region", DEFAULT_REGION))
        region = str(args.inputs.get("region") or self._region_of(args.provider))
        state.update(self._computed(args.typ, args.name, args.inputs, region))
        # Like the AWS provider, a bucket's ID is its name.
        resource_id = state["bucket"] if args.typ == "aws:s3/bucket:Bucket" else mock_id(args.name)
        return resource_id, state

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        function = args.token  # the invoked function's name, e.g. aws:index/getRegion:getRegion
        if function == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": MOCK_ACCOUNT,
                "arn": f"arn:aws:iam::{MOCK_ACCOUNT}:user/mock",
                "userId": "mock",
            }, []
        if function == "vercel:index/getPrebuiltProject:getPrebuiltProject":
            path = str(args.args.get("path", ""))
            try:
                return prebuilt_project(path), []
            except (OverLimitError, OSError) as error:
                # Raised in here, it would leave the program's outputs pending in the SDK's
                # event loop, where the next plan in this process trips over them: the
                # engine raises it once the program has finished.
                self.errors.append(error)
                return {"id": path, "path": path, "output": {}}, []
        if function == "vercel:index/getEndpointVerification:getEndpointVerification":
            return {"id": "mock", "teamId": "mock-team", "verificationCode": "mock-verify"}, []
        if function == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com"}, []
        return {}, []

    def _stack_reference(self, name: str) -> tuple[str, dict[str, Any]]:
        """As the engine reads one (pkg/resource/deploy/builtins.go, readStackReference);
        a stack it cannot find fails the run."""
        state = self.stack_references.get(name)
        if state is None:
            self.errors.append(LookupError(f"unknown stack reference {name}"))
            state = {"name": name, "outputs": {}, "secretOutputNames": []}
        return name, state

    def _region_of(self, provider_ref: str | None) -> str:
        # A provider reference is "<provider urn>::<provider id>"; the URN ends in its name.
        if not provider_ref:
            return DEFAULT_REGION
        provider_name = provider_ref.split("::")[-2]
        return self.provider_regions.get(provider_name, DEFAULT_REGION)

    def _computed(self, typ: str, name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
        if typ == "random:index/randomPassword:RandomPassword":
            secret = fake_secret(name)
            self.generated_secrets.add(secret)
            return {"result": secret, "bcryptHash": fake_secret(name + "-bcrypt")}
        if typ == "pulumi-python:dynamic/supabase:Project":
            # From the Supabase project's own name: each stack's project is another.
            project = str(inputs.get("name") or name)
            ref = "mock" + hashlib.sha256(project.encode()).hexdigest()[:16]
            keys = {
                "anon_key": fake_secret(project + "-anon"),
                "service_role_key": fake_secret(project),
                "publishable_key": fake_secret(project + "-publishable"),
                "secret_key": fake_secret(project + "-secret"),
            }
            self.generated_secrets.update(keys.values())
            return {
                **keys,
                "ref": ref,
                "status": "ACTIVE_HEALTHY",
                "api_url": f"https://{ref}.supabase.co",
                "db_host": f"db.{ref}.supabase.co",
                "db_name": "postgres",
                "pooler_host": f"aws-0-{inputs.get('region')}.pooler.supabase.com",
                "pooler_port": 6543,
                "pooler_user": f"postgres.{ref}",
            }
        if typ == "pulumi-python:dynamic/sentry:Project":
            number = int(hashlib.sha256(str(inputs.get("slug")).encode()).hexdigest()[:6], 16)
            return {
                "project_id": str(number),
                "issues_url": f"https://{inputs.get('organization')}.sentry.io/issues/"
                f"?project={number}",
            }
        if typ == "pulumi-python:dynamic/sentry:ClientKey":
            # The DSN's ingest host is in the API's region: o<n>.ingest.de.sentry.io for de.
            public = hashlib.sha256(f"{inputs.get('project')}-{name}".encode()).hexdigest()[:32]
            region = "de." if "de.sentry.io" in str(inputs.get("api_url")) else ""
            dsn = f"https://{public}@o0.ingest.{region}sentry.io/0"
            self.generated_secrets.add(dsn)
            return {"key_id": public, "dsn": dsn}
        if typ == "pulumi-python:dynamic/stripe:WebhookEndpoint":
            # From the endpoint's URL: each stack's is another, in its own mode.
            url = str(inputs.get("url") or name)
            secret = "whsec_" + fake_secret(url)
            self.generated_secrets.add(secret)
            return {
                "endpoint_id": "we_mock" + hashlib.sha256(url.encode()).hexdigest()[:16],
                "secret": secret,
                "status": "enabled",
                "livemode": inputs.get("mode") == "live",
                "taken_over": [],
            }
        if typ == "vercel:index/deployment:Deployment":
            return {"url": f"{name}-mock.vercel.app", "domains": [f"{name}-mock.vercel.app"]}
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-mock"
            return {
                "bucket": bucket,
                "arn": f"arn:aws:s3:::{bucket}",
                "bucketDomainName": f"{bucket}.s3.amazonaws.com",
                "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
                "region": region,
            }
        if typ == "upstash:index/redisDatabase:RedisDatabase":
            database = str(inputs.get("databaseName") or name)  # each stack's is another
            password = fake_secret(database)
            rest_token = fake_secret(database + "-rest")
            self.generated_secrets.update({password, rest_token})
            return {
                "databaseId": f"{database}-database-id",
                "endpoint": f"{database}-mock.upstash.io",
                "port": 6379,
                "password": password,
                "restToken": rest_token,
                "readOnlyRestToken": fake_secret(database + "-read-only"),
            }
        if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            host = str(inputs.get("url", "")).removeprefix("https://")
            return {"arn": f"arn:aws:iam::{MOCK_ACCOUNT}:oidc-provider/{host}"}
        if typ.startswith("aws:iam/"):
            kind = typ.rsplit(":", 1)[-1].lower()
            iam_name = inputs.get("name") or name
            return {"arn": f"arn:aws:iam::{MOCK_ACCOUNT}:{kind}/{iam_name}", "name": iam_name}
        if typ == "aws:kms/key:Key":  # the provider reports the key's ID as keyId too
            return {"arn": f"arn:aws:kms:{region}:{MOCK_ACCOUNT}:{name}", "keyId": mock_id(name)}
        if typ.startswith("aws:"):
            service = typ.split(":")[1].split("/")[0]
            return {"arn": f"arn:aws:{service}:{region}:{MOCK_ACCOUNT}:{name}"}
        return {}
