"""Typed per-stack settings, their loading, and the offline plan engine and CLI."""
