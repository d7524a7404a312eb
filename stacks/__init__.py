"""Typed per-stack settings, their loading and wiring: only what the program imports."""
