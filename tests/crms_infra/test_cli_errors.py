"""Each refused input exits 2 with one sentence naming file and key, never a secret or traceback."""

import json
from pathlib import Path

import pytest

from tests.helpers import assert_refused, edit, line_of
from tests.helpers import run_cli as run

STRIPE_KEY = "sk_live_51NzQ2LKr8mVxYtTqW3eRbC9dHf"


def test_a_plaintext_secret_is_refused_without_showing_it(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + f"  crms:stripeSecretKey: {STRIPE_KEY}\n")
    stderr = assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        f"Pulumi.prod.yaml: line {line_of(stack_file, 'stripeSecretKey')}: "
        "crms:stripeSecretKey holds a plain value (not shown), but it is a "
        "secret: set it with `pulumi config set --secret stripeSecretKey <value>`",
    )
    assert STRIPE_KEY not in stderr
    assert "sk_live" not in stderr


def test_a_plaintext_provider_credential_is_refused(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + "  vercel:apiToken: vc1_Zb3Kq8Rt5Wm2\n")
    stderr = assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        f"Pulumi.prod.yaml: line {line_of(stack_file, 'apiToken')}: "
        "vercel:apiToken holds a plain value (not shown)",
    )
    assert "vc1_" not in stderr


def test_an_unknown_provider_key_is_refused(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + "  vercel:tema: crms-swiss\n")
    assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        f"Pulumi.prod.yaml: line {line_of(stack_file, 'vercel:tema')}: "
        "vercel:tema is not a config key of the vercel provider; "
        "did you mean vercel:team?",
    )


def test_yes_is_not_a_boolean(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    edit(stack_file, "storageReplication: true", "storageReplication: yes")
    assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        f"Pulumi.prod.yaml: line {line_of(stack_file, 'storageReplication: yes')}: "
        'crms:storageReplication has the bad value "yes": must be true or false',
    )


def test_a_repeated_key_is_refused(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + "  crms:storageReplication: false\n")
    assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        "error: Pulumi.prod.yaml: line ",
        ": the key crms:storageReplication is already set at line ",
    )


def test_a_replica_in_the_source_region_is_refused(project_copy: Path) -> None:
    edit(
        project_copy / "Pulumi.prod.yaml",
        "storageReplicationRegion: eu-central-1",
        "storageReplicationRegion: eu-central-2",
    )
    assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        'crms:storageReplicationRegion has the bad value "eu-central-2": must differ from the '
        "buckets' region (eu-central-2)",
    )


def test_schema_check_refuses_a_yaml_syntax_error(project_copy: Path) -> None:
    edit(project_copy / "Pulumi.yaml", "name: crms", "name: [crms")
    assert_refused(
        run("schema", "--check", "--project-dir", str(project_copy)),
        "error: Pulumi.yaml: line ",
        "not valid YAML",
    )
    assert_refused(run("schema", "--project-dir", str(project_copy)), "not valid YAML")
    assert "name: [crms" in (project_copy / "Pulumi.yaml").read_text(), "left as it was"


def test_schema_check_refuses_a_repeated_key_in_the_config_block(project_copy: Path) -> None:
    project_file = project_copy / "Pulumi.yaml"
    project_file.write_text(project_file.read_text() + "  nodeEnv:\n    type: string\n")
    assert_refused(
        run("schema", "--check", "--project-dir", str(project_copy)),
        "the key nodeEnv is already set at line",
    )


@pytest.mark.parametrize("command", [("plan", "dev"), ("schema", "--check"), ("check",)])
def test_a_missing_project_dir_is_one_sentence(tmp_path: Path, command: tuple[str, ...]) -> None:
    missing = tmp_path / "nowhere"
    assert_refused(
        run(*command, "--project-dir", str(missing)),
        f"error: --project-dir {missing}: no such directory",
    )
    assert_refused(
        run(*command, "--project-dir", str(tmp_path)),
        f"error: --project-dir {tmp_path}: no Pulumi.yaml there",
    )


@pytest.mark.parametrize("value", ["100", "999", "ten"])
def test_diff_max_chars_below_the_minimum_is_refused(value: str) -> None:
    result = run("diff", "dev", "prod", "--format", "markdown", "--max-chars", value)
    assert result.returncode == 2
    assert "argument --max-chars:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def saved_plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("plans")
    for stack in ("dev", "prod"):
        result = run("plan", stack, "--format", "json")
        assert result.returncode == 0, result.stderr
        (directory / f"{stack}.json").write_text(result.stdout)
    return directory


def test_diff_honours_max_chars_as_a_ceiling(saved_plans: Path) -> None:
    dev, prod = str(saved_plans / "dev.json"), str(saved_plans / "prod.json")
    for limit in (1_000, 2_500, 7_000):
        result = run("diff", dev, prod, "--format", "markdown", "--max-chars", str(limit))
        assert result.returncode == 0, result.stderr
        assert len(result.stdout) <= limit
        assert "cut" in result.stdout or "summarised" in result.stdout


WRONG_SHAPES = [
    ({"stack": "x", "resources": [1], "outputs": {}}, "resources.0: Input should be"),
    ({"stack": "x", "resources": {}, "outputs": {}}, "resources: Input should be a valid list"),
    ({"stack": "x", "resources": [], "outputs": []}, "outputs: Input should be a valid dict"),
    (
        {
            "stack": "x",
            "outputs": {},
            "resources": [
                {"urn": "nope", "type": "t", "name": "n", "protect": False, "inputs": {}}
            ],
        },
        "resources.0.urn: String should match pattern",
    ),
    ([1, 2], "the top level: Input should be a valid dictionary"),
]


@pytest.mark.parametrize(("plan", "words"), WRONG_SHAPES)
def test_a_plan_file_of_the_wrong_shape_is_one_sentence(
    tmp_path: Path, plan: object, words: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    assert_refused(run("diff", str(path), "dev"), f"error: {path}: not a plan (", words)


@pytest.mark.parametrize("depth", [100, 100_000])
def test_a_deeply_nested_plan_file_is_one_sentence(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    assert_refused(run("diff", str(path), "dev"), f"error: {path}: not a")


def test_a_plan_file_that_is_not_json_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    assert_refused(run("diff", str(path), "dev"), f"error: {path}: not a readable plan JSON file")
