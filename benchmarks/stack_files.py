"""What the strict stack-file reader costs, and how fast the issue's hostile inputs are refused.

Prints the median time to read and validate Pulumi.prod.yaml (ruamel.yaml's YAML 1.2
reader with our checks, beside PyYAML's YAML 1.1 safe_load that it replaced), and the
time to refuse: an alias bomb, a 900,000-item region list (over the file
limit) and a 10 MB organization slug. Run with `make bench`.
"""

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from crms_infra.offline.project import read_stack_config
from crms_infra.stack_file.reader import YamlFileError, load_yaml_file
from stacks.loader import SettingsError, settings_from_config

REPO = Path(__file__).resolve().parent.parent
SAMPLES = 50


def median_ms(action: Callable[[], object], samples: int = SAMPLES) -> float:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def refused_ms(action: Callable[[], object]) -> float:
    def attempt() -> None:
        try:
            action()
        except (YamlFileError, SettingsError):
            return
        raise AssertionError("not refused")

    return median_ms(attempt, samples=3)


def alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def main() -> None:
    prod = REPO / "Pulumi.prod.yaml"
    print(
        f"read Pulumi.prod.yaml, strict YAML 1.2: {median_ms(lambda: load_yaml_file(prod)):.2f} ms"
    )
    text = prod.read_text()
    print(
        f"read Pulumi.prod.yaml, PyYAML 1.1:      {median_ms(lambda: yaml.safe_load(text)):.2f} ms"
    )
    config = read_stack_config(REPO, "prod")
    validate = lambda: settings_from_config(config.values, "Pulumi.prod.yaml", config.secret_keys)  # noqa: E731
    print(f"validate prod's settings:               {median_ms(validate):.2f} ms")
    with tempfile.TemporaryDirectory() as directory:
        bomb = Path(directory) / "Pulumi.bomb.yaml"
        bomb.write_text(alias_bomb())
        print(
            f"refuse the alias bomb ({bomb.stat().st_size} bytes):    "
            f"{refused_ms(lambda: load_yaml_file(bomb)):.2f} ms"
        )
        regions = Path(directory) / "Pulumi.regions.yaml"
        regions.write_text("config:\n  crms:computeFunctionRegions:\n" + "    - fra1\n" * 900_000)
        print(
            f"refuse 900,000 regions ({regions.stat().st_size:,} bytes): "
            f"{refused_ms(lambda: load_yaml_file(regions)):.2f} ms"
        )
    slug = dict(config.values, **{"crms:databaseOrganizationSlug": "a" * 10_000_000})
    refuse_slug = lambda: settings_from_config(slug, "Pulumi.prod.yaml", config.secret_keys)  # noqa: E731
    print(f"refuse a 10 MB organization slug:       {refused_ms(refuse_slug):.2f} ms")


if __name__ == "__main__":
    main()
