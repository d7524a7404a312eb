"""The Database component's configuration resources in each stack's plan: one per surface,
on the project, with the checklist's values; the SMTP password secret in every form."""

from typing import Any

import pulumi
import pytest

from components.supabase.auth_config import AuthConfig
from components.supabase.provider import SupabaseProject
from crms_infra.offline.engine import plan_stack, record_stack
from crms_infra.offline.masking import SECRET, struct_to_plan
from crms_infra.offline.mocks import PlanMocks
from crms_infra.plan.render import plan_json, plan_markdown, plan_text
from crms_infra.plan_model import PlanResource
from crms_infra.policy_config import read_policy_config
from crms_infra.residency.render import report_json
from crms_infra.residency.report import residency_report
from tests.conftest import REPO, STACKS
from tests.helpers import inputs_of, plan_of

SUPABASE = "pulumi-python:dynamic/supabase:"
SURFACES = (
    "AuthConfig", "SslEnforcement", "NetworkRestrictions", "PitrAddon", "PostgrestConfig",
    "PostgresConfig",
)  # fmt: skip
RESEND_KEY = "re_Plan1234567890abcdefghijKL"


def surfaces(stack: str) -> dict[str, PlanResource]:
    return {
        r["type"].removeprefix(SUPABASE): r
        for r in plan_of(stack)["resources"]
        if r["type"].startswith(SUPABASE)
    }


@pytest.mark.parametrize("stack", STACKS)
def test_each_surface_is_its_own_resource_on_the_project(stack: str) -> None:
    found = surfaces(stack)
    project = found.pop("Project")
    assert sorted(found) == sorted(SURFACES)
    for resource in found.values():
        assert resource["parent"] == project["parent"]  # siblings, as the pack relates them
        assert inputs_of(resource)["project_ref"].startswith("mock")  # the project's ref output
        assert project["urn"] in resource["dependencies"]


def test_prod_carries_the_checklists_values() -> None:
    found = {name: inputs_of(r) for name, r in surfaces("prod").items()}
    assert found["SslEnforcement"]["database"] is True
    assert found["PitrAddon"]["variant"] == "pitr_7"
    assert found["NetworkRestrictions"]["allowed_cidrs"] == ["0.0.0.0/0", "::/0"]
    assert (found["PostgrestConfig"]["db_schema"], found["PostgrestConfig"]["max_rows"]) == (
        "public",
        1000,
    )
    assert found["PostgresConfig"]["statement_timeout"] == "120s"
    auth = found["AuthConfig"]
    assert (auth["site_url"], auth["uri_allow_list"]) == (
        "https://crms.swiss",
        "https://crms.swiss/**",
    )
    assert (auth["smtp_host"], auth["smtp_port"], auth["smtp_user"]) == (
        "smtp.resend.com",
        "465",
        "resend",
    )
    assert auth["smtp_pass"] == SECRET
    assert auth["mailer_autoconfirm"] is False
    assert auth["mailer_otp_exp"] <= 3600
    assert auth["mfa_totp_enroll_enabled"] is auth["mfa_totp_verify_enabled"] is True
    assert auth["password_hibp_enabled"] is True
    assert auth["password_min_length"] >= 8


def test_prod_protects_the_pitr_addon_and_dev_does_not() -> None:
    assert surfaces("prod")["PitrAddon"]["protect"] is True
    assert surfaces("dev")["PitrAddon"]["protect"] is False
    assert surfaces("dev")["PitrAddon"]["inputs"]["variant"] == "none"


def test_the_smtp_password_is_registered_secret_not_just_scrubbed() -> None:
    """The plan's second line of defence scrubs known secrets; this holds the first: the
    program registers the password as a secret, and its hash as a secret output."""
    recording = record_stack(REPO, "prod", {"crms:resendApiKey": RESEND_KEY})
    (urn,) = [u for u in recording.monitor.registrations if u.endswith("::database-auth")]
    request = recording.monitor.registrations[urn].request
    assert struct_to_plan(request.object)["smtp_pass"] == SECRET
    assert set(request.additionalSecretOutputs) == {"smtp_pass", "smtp_pass_hash"}
    assert recording.inputs(urn)["smtp_pass"] == RESEND_KEY  # the value the provider gets


def test_the_resend_key_is_in_no_output_form() -> None:
    plan = plan_stack(REPO, "prod", {"crms:resendApiKey": RESEND_KEY})
    report = residency_report(plan, read_policy_config(REPO / "policies", "prod"))
    for rendered in (plan_json(plan), plan_text(plan), plan_markdown(plan), report_json(report)):
        assert RESEND_KEY not in rendered
        assert "smtp_pass" not in rendered or SECRET in rendered


class ReadMocks(PlanMocks):
    """The plan's mocks, remembering which resources were read by ID and with what."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if args.resource_id:
            self.reads.append((args.typ, args.resource_id, dict(args.inputs)))
        return super().new_resource(args)


def test_get_reads_a_surface_and_the_project_by_their_ref() -> None:
    mocks = ReadMocks()
    pulumi.runtime.reset_options(project="crms", stack="test", preview=False)
    pulumi.runtime.set_mocks(mocks, project="crms", stack="test", preview=False)
    ref = "abcdefghijabcdefghij"

    @pulumi.runtime.test
    def read() -> pulumi.Output[Any]:
        auth = AuthConfig.get("auth", ref, management_api="http://127.0.0.1:9")
        project = SupabaseProject.get("project", ref)
        return pulumi.Output.all(auth.urn, project.urn)

    read()
    assert [(typ.removeprefix(SUPABASE), id_) for typ, id_, _ in mocks.reads] == [
        ("AuthConfig", ref),
        ("Project", ref),
    ]
    assert mocks.reads[0][2]["management_api"] == "http://127.0.0.1:9"
    assert mocks.reads[1][2]["management_api"] == "https://api.supabase.com"
