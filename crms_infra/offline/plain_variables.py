"""Vercel variables the program sets plainly are shown with their value in the plan.

The Vercel provider marks every variable's `value` secret, so on the wire `AWS_REGION`
looks like `STRIPE_SECRET_KEY`. The program knows better: the Compute component's
`plainVariables` output (components/compute.py, PLAIN_VARIABLES) holds, by the variable
resource's name, each variable it marks not sensitive, with its value as the program built
it, where a value derived from a secret is still secret. A variable's plan value is shown
only when the variable is marked `sensitive: false` and that output holds it in clear.
"""

from crms_infra.offline.masking import SECRET, struct_to_plan
from crms_infra.offline.monitor import RecordingMonitor
from crms_infra.plan_model import PlanResource

VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


def show_plain_variables(resources: list[PlanResource], monitor: RecordingMonitor) -> None:
    """Put each plain variable's value into its plan inputs, in place."""
    # Imported late, as in crms_infra/plan/render.py: `components` is the planned project's own.
    from components.compute import PLAIN_VARIABLES

    for resource in resources:
        inputs = resource["inputs"]
        if resource["type"] != VARIABLE or inputs.get("sensitive") is not False:
            continue
        if inputs.get("value") != SECRET or resource["parent"] not in monitor.outputs:
            continue
        declared = struct_to_plan(monitor.outputs[resource["parent"]]).get(PLAIN_VARIABLES)
        if not isinstance(declared, dict):
            continue
        value = declared.get(resource["name"])
        if isinstance(value, str) and value != SECRET:
            inputs["value"] = value
