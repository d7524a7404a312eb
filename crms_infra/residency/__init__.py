"""The data-residency report of a stack and its diagrams, built on the offline plan."""
