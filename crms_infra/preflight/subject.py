"""The stack preflight looks at, and its offline plan, made once for every rule that reads it."""

from pathlib import Path

from crms_infra.offline.engine import plan_stack
from crms_infra.offline.policy import PolicyPackError
from crms_infra.plan_model import Plan
from stacks.loader import SettingsError


class ProgramStopped(Exception):
    """The program (or the policy pack) stops before a plan exists: rules that need the plan
    cannot run, and the stop itself is what the earlier rules report."""


class StackUnderCheck:
    """One stack of one project. The plan is made on first use and kept; the offline plan
    hands in the plan it already made."""

    def __init__(self, project_dir: Path, stack: str, plan: Plan | None = None) -> None:
        self.project_dir = project_dir
        self.stack = stack
        self._plan = plan
        self._stop: ProgramStopped | None = None

    @property
    def pack_dir(self) -> Path:
        return self.project_dir / "policies"

    def plan(self) -> Plan:
        """The offline plan, the policy verdicts with the stack's own policy config included."""
        if self._stop is not None:
            raise self._stop
        if self._plan is None:
            try:
                self._plan = plan_stack(self.project_dir, self.stack)
            # What stops the offline plan: invalid settings, an output the Vercel provider
            # cannot read, a policy config the pack refuses (a stale build only marks it).
            except (SettingsError, FileNotFoundError, PolicyPackError) as error:
                self._stop = ProgramStopped(str(error))
                raise self._stop from None
        return self._plan
