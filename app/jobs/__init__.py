"""The work the crons run, as plain functions of their inputs: no HTTP, no environment."""
