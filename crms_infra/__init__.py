"""The tooling behind the `crms-infra` command; it imports the program, never the reverse."""
