"""The text plan: nested inputs in one readable line, and each Vercel project's function limits."""

import copy
import json

import pytest

from crms_infra.cost.plan_costs import plan_cost
from crms_infra.cost.render import cost_json
from crms_infra.markdown import table_cell
from crms_infra.plan.render import plan_json, plan_markdown, plan_text
from crms_infra.plan.summaries import SUMMARIES
from tests.conftest import STACKS
from tests.helpers import plan_of

EXPECTED = {  # what Vercel applies per stack: Fluid compute, class memory, the seed's maxDuration
    "dev": "Fluid compute, CPU standard: 2048 MB / 1 vCPU, maxDuration 15 s, regions fra1",
    "staging": "Fluid compute, CPU standard: 2048 MB / 1 vCPU, maxDuration 30 s, regions fra1",
    "prod": "Fluid compute, CPU performance: 4096 MB / 2 vCPU, maxDuration 60 s, regions fra1",
}


@pytest.mark.parametrize("stack", STACKS)
def test_each_vercel_project_shows_its_function_limits(stack: str) -> None:
    text = plan_text(plan_of(stack))
    lines = text.splitlines()
    for project in ("compute-web", "compute-ops"):
        (index,) = [
            i
            for i, line in enumerate(lines)
            if f"{project}  (vercel:index/project:Project)" in line
        ]
        assert lines[index + 2].strip(" │") == f"functions: {EXPECTED[stack]}"
        assert "resourceConfig={fluid=true, functionDefaultCpuType=" in lines[index + 1]


@pytest.mark.parametrize("stack", STACKS)
def test_the_outputs_show_what_the_stack_asks_and_what_vercel_gives(stack: str) -> None:
    text = plan_text(plan_of(stack))
    (line,) = [line for line in text.splitlines() if line.startswith("  functionLimits:")]
    requested = {"dev": 1024, "staging": 1024, "prod": 3008}[stack]
    assert f"requestedMemoryMb={requested}" in line
    assert "computeMode=fluid" in line


def test_nested_inputs_read_as_one_line_not_json() -> None:
    text = plan_text(plan_of("prod"))
    assert "oidcTokenConfig={issuerMode=team}" in text
    assert "targets=[production, preview, development]" in text
    assert 'resourceConfig={"' not in text  # nested inputs are not dumped as JSON
    assert 'tags={"' not in text


def test_markdown_shows_nested_inputs_too() -> None:
    markdown = plan_markdown(plan_of("prod"))
    assert "resourceConfig={fluid=true, functionDefaultCpuType=performance" in markdown


def _rows(markdown: str) -> dict[str, str]:
    """Each custom resource's table row by its name (components share their children's)."""
    return {
        line.split("|")[1].strip().split("`")[1]: line
        for line in markdown.splitlines()
        if line.startswith("| `") and "| `crms:index:" not in line
    }


def test_each_alarm_shows_what_it_watches_its_threshold_and_who_hears() -> None:
    """Issue 27, point 3: the threshold sat behind `(+8 more)`."""
    plan = plan_of("prod")
    text, rows = plan_text(plan), _rows(plan_markdown(plan))
    expected = {
        "alerts-slow-contract-creation": "alarm: ContractCreationTime (p95) > 5 in 10"
        " period(s) of 60 s; missing data notBreaching; notifies dev-team@crms.ch",
        "alerts-payment-failures": "alarm: IF(PaymentAttempts > 0, 100 * PaymentFailures /"
        " PaymentAttempts, 0) (Sum) > 5 in 1 period(s) of 300 s; missing data notBreaching;"
        " notifies finance@crms.ch, oncall@crms.ch",
    }
    for name, summary in expected.items():
        assert summary in text
        assert table_cell(summary) in rows[name]  # as a cell writes it: `>` and `@` escaped


@pytest.mark.parametrize("stack", STACKS)
def test_the_markdown_plan_shows_function_limits_in_each_projects_row(stack: str) -> None:
    rows = _rows(plan_markdown(plan_of(stack)))
    for project in ("compute-web", "compute-ops"):
        assert f"| functions: {EXPECTED[stack]} |" in rows[project]


def test_each_bucket_shows_encryption_versioning_lock_and_replica() -> None:
    rows = _rows(plan_markdown(plan_of("prod")))
    assert (
        "bucket: SSE-KMS, customer-managed key storage-key in eu-central-2, held by the stack's"
        " AWS account; versioning Enabled; locked 90 days (COMPLIANCE mode); replicated to"
        " storage-backups-replica in eu-central-1"
    ) in rows["storage-backups"]
    assert "SSE-S3 (AES-256)" in rows["storage-access-logs"]


def test_plain_variables_show_their_value_and_secrets_do_not() -> None:
    """Issue 27, point 3: the provider marks every value secret; the program knows better."""
    plan = plan_of("prod")
    variables = {
        r["inputs"]["key"]: r["inputs"]["value"]
        for r in plan["resources"]
        if r["type"].endswith("ProjectEnvironmentVariable")
    }
    assert variables["AWS_REGION"] == "eu-central-2"
    assert variables["NODE_ENV"] == "production"
    assert variables["CONTRACT_CREATION_ROUTE"] == "POST /api/contracts"
    for secret in ("STRIPE_SECRET_KEY", "SENTRY_DSN", "DATABASE_URL", "CRON_SECRET"):
        assert variables[secret] == "[secret]"
    rows = _rows(plan_markdown(plan))
    assert (
        table_cell("AWS_REGION=eu-central-2 (plain; production)") in rows["compute-ops-aws-region"]
    )
    assert (
        table_cell("STRIPE_SECRET_KEY=[secret] (sensitive; production)")
        in rows["compute-web-stripe-secret-key"]
    )
    assert (
        table_cell("STRIPE_SECRET_KEY=[secret] (sensitive; preview)")
        in rows["compute-web-preview-stripe-secret-key"]
    )


def test_the_markdown_plan_shows_what_each_variable_holds_in_each_target() -> None:
    markdown = plan_markdown(plan_of("prod"))
    table = markdown.split("**Vercel variables of `crms-production`, by target**")[1]
    rows = {
        line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| `")
    }
    staging = "from organization/crms/staging"
    secret = table_cell("[secret]")
    assert (
        rows["`STRIPE_SECRET_KEY`"]
        == f"| `STRIPE_SECRET_KEY` | {secret} | {secret} {staging} | — |"
    )
    assert rows["`NEXT_PUBLIC_APP_ENV`"] == (
        "| `NEXT_PUBLIC_APP_ENV` | production | preview | development |"
    )
    database = rows["`SUPABASE_SERVICE_KEY`"].split(" | ")
    assert database[1:] == [f"{secret} from database-project", f"{secret} {staging}", "— |"]


def test_every_summarised_kind_is_one_the_program_creates() -> None:
    types = {resource["type"] for resource in plan_of("prod")["resources"]}
    assert set(SUMMARIES) <= types


def test_the_supabase_configuration_shows_the_production_checklists_values() -> None:
    rows = _rows(plan_markdown(plan_of("prod")))
    expected = {
        "database-project": "database: crms-production in eu-central-2, compute medium",
        "database-auth": "auth: site https://crms.swiss; e-mail via smtp.resend.com:465 from"
        " no-reply@crms.swiss, confirmations on, OTP expiry 3600 s; passwords of 12+, leaked"
        " check on; TOTP MFA on; JWT expiry 3600 s",
        "database-ssl-enforcement": "SSL enforced: yes",
        "database-network-restrictions": "database reachable from: 0.0.0.0/0, ::/0",
        "database-pitr": "point-in-time recovery: pitr_7",
        "database-data-api": "Data API: schemas public, at most 1000 rows",
        "database-postgres-config": "Postgres: statement_timeout 120s",
    }
    for name, summary in expected.items():
        assert table_cell(summary) in rows[name], name


UNSEEN = "\u202e\u2066\u200f\u2028\u2029\x7f\x85\U000e0001"
"""A right-to-left override, an isolate, a mark, the line and paragraph separators, DEL, a
C1 control and a tag character: each changes what a reader sees, or where a line ends."""


def test_the_json_plan_writes_unseen_characters_as_escapes() -> None:
    """Issue 36, finding 5: the JSON plan wrote U+202E and U+2028 raw."""
    plan = copy.deepcopy(plan_of("dev"))
    plan["outputs"]["note"] = f"a{UNSEEN}b ##[warning]x"
    text = plan_json(plan)
    assert not any(character in text for character in UNSEEN)
    assert "##[" not in text
    assert json.loads(text) == plan
    assert "Zürich" in plan_json({**plan, "outputs": {"note": "Zürich"}})  # printable stays


def test_the_json_cost_writes_unseen_characters_as_escapes() -> None:
    plan = copy.deepcopy(plan_of("dev"))
    plan["stack"] = f"dev{UNSEEN}"
    text = cost_json(plan_cost(plan))
    assert not any(character in text for character in UNSEEN)
    assert json.loads(text)["stack"] == plan["stack"]
