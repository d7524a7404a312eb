"""Names and tags derived from a stack's settings, in one place."""

from stacks.settings import StackSettings


def prefix(settings: StackSettings) -> str:
    """`crms-production`: the seed's project name, the stem of every other name."""
    return f"crms-{settings.environment.value}"


def web_project(settings: StackSettings) -> str:
    return prefix(settings)


def ops_project(settings: StackSettings) -> str:
    return f"crms-ops-{settings.environment.value}"


def tags(settings: StackSettings) -> dict[str, str]:
    """Tags on every taggable AWS resource."""
    return {
        "project": "crms",
        "environment": settings.environment.value,
        "data-classification": settings.data_classification.value,
    }
