"""The CRMS program: load the stack's settings, build the components, export the outputs."""

import pulumi

from stacks.loader import load_settings

settings = load_settings()

pulumi.export("environment", settings.environment.value)
pulumi.export("functionRegions", settings.compute.function_regions)
