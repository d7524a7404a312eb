"""What Vercel really gives a function, per compute mode: the CPU class a memory
setting maps to, and the rules Vercel's Terraform provider enforces on a project.

Sources (each rule below names its own):
- Fluid compute, current classes: https://vercel.com/docs/functions/configuring-functions/memory
  ("Standard (default) 2 GB / 1 vCPU", "Performance 4 GB / 2 vCPUs"; "You cannot set
  your memory size using vercel.json") and the changelog
  https://vercel.com/changelog/higher-defaults-and-limits-for-vercel-functions-running-fluid-compute
  ("The Basic CPU instance has been removed").
- Without Fluid compute (the earlier version of the same page): Basic 1024 MB / 0.6 vCPU,
  Standard 1769 MB / 1 vCPU, Performance 3009 MB / 1.7 vCPUs; a `memory` in vercel.json
  takes precedence over the project's default.
- The provider: vercel/terraform-provider-vercel, vercel/resource_project.go (`resource_config`:
  `function_default_cpu_type` one of standard_legacy/standard/performance, the API's
  `functionDefaultMemoryType`; `function_default_timeout` 1 to 900;
  `function_default_regions` ConflictsWith `serverless_function_region`, PR #366, v3.16.0)
  and vercel/resource_project_validators.go (`fluidComputeBasicCPUValidator`: "Fluid
  compute is only supported with the standard or performance CPU types").
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class CpuType(StrEnum):
    """The provider's `function_default_cpu_type` values."""

    STANDARD_LEGACY = "standard_legacy"  # Vercel's "Basic"
    STANDARD = "standard"
    PERFORMANCE = "performance"


@dataclass(frozen=True)
class CpuClass:
    cpu_type: CpuType
    memory_mb: int
    vcpus: float


FLUID_CLASSES = (
    CpuClass(CpuType.STANDARD, 2048, 1),
    CpuClass(CpuType.PERFORMANCE, 4096, 2),
)
"""Fluid compute: the class decides the memory; vercel.json cannot set it."""

LEGACY_CLASSES = (
    CpuClass(CpuType.STANDARD_LEGACY, 1024, 0.6),
    CpuClass(CpuType.STANDARD, 1769, 1),
    CpuClass(CpuType.PERFORMANCE, 3009, 1.7),
)
"""Without Fluid compute: a vercel.json `memory` sets the memory exactly."""

TIMEOUT_RANGE = (1, 900)
"""The provider's bounds on `function_default_timeout` (resource_project.go)."""


@dataclass(frozen=True)
class FunctionLimits:
    """The limits Vercel applies to a project's functions, for one stack."""

    fluid: bool
    cpu: CpuClass
    requested_memory_mb: int
    max_duration_seconds: int

    @property
    def memory_mb(self) -> int:
        """The memory the functions really get: the class's under Fluid, the setting's otherwise."""
        return self.cpu.memory_mb if self.fluid else self.requested_memory_mb

    @property
    def memory_in_vercel_json(self) -> bool:
        """Whether vercel.json may carry `memory` (never under Fluid compute: Vercel warns)."""
        return not self.fluid

    def summary(self) -> dict[str, object]:
        """For a stack output: what the stack asks, and what Vercel applies."""
        return {
            "computeMode": "fluid" if self.fluid else "standard",
            "cpuType": self.cpu.cpu_type.value,
            "memoryMb": self.memory_mb,
            "requestedMemoryMb": self.requested_memory_mb,
            "vcpus": self.cpu.vcpus,
            "maxDurationSeconds": self.max_duration_seconds,
        }

    def describe(self) -> str:
        mode = "Fluid compute" if self.fluid else "no Fluid compute"
        return (
            f"{mode}, CPU {self.cpu.cpu_type.value}: {self.memory_mb} MB / "
            f"{self.cpu.vcpus:g} vCPU, maxDuration {self.max_duration_seconds} s"
        )


def function_limits(fluid: bool, memory_mb: int, max_duration_seconds: int) -> FunctionLimits:
    """The smallest CPU class of the mode whose memory covers `memory_mb`."""
    classes = FLUID_CLASSES if fluid else LEGACY_CLASSES
    for cpu in classes:
        if memory_mb <= cpu.memory_mb:
            return FunctionLimits(fluid, cpu, memory_mb, max_duration_seconds)
    mode = "Fluid compute" if fluid else "without Fluid compute"
    raise ValueError(
        f"no Vercel CPU class gives {memory_mb} MB {mode} (at most {classes[-1].memory_mb} MB)"
    )


def for_resource_config(resource_config: Mapping[str, object]) -> FunctionLimits | None:
    """The limits a project's `resourceConfig` (engine names, as in a plan) applies, if complete."""
    fluid = resource_config.get("fluid")
    cpu_type = resource_config.get("functionDefaultCpuType")
    timeout = resource_config.get("functionDefaultTimeout")
    if not isinstance(fluid, bool) or not isinstance(timeout, int):
        return None
    classes = FLUID_CLASSES if fluid else LEGACY_CLASSES
    for cpu in classes:
        if cpu.cpu_type.value == cpu_type:
            return FunctionLimits(fluid, cpu, cpu.memory_mb, timeout)
    return None


def project_config_problems(inputs: Mapping[str, object]) -> list[str]:
    """What the provider would refuse in a `vercel.Project`'s inputs (engine names)."""
    problems = []
    resource_config = inputs.get("resourceConfig")
    config = resource_config if isinstance(resource_config, dict) else {}
    if "serverlessFunctionRegion" in inputs and "functionDefaultRegions" in config:
        problems.append(
            "serverlessFunctionRegion conflicts with resourceConfig.functionDefaultRegions"
        )
    if config.get("fluid") is True and config.get("functionDefaultCpuType") == "standard_legacy":
        problems.append(
            "Fluid compute is only supported with the standard or performance CPU types"
        )
    timeout = config.get("functionDefaultTimeout")
    if isinstance(timeout, int) and not TIMEOUT_RANGE[0] <= timeout <= TIMEOUT_RANGE[1]:
        problems.append(f"functionDefaultTimeout {timeout} is outside {TIMEOUT_RANGE}")
    return problems
