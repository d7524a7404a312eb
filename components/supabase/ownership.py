"""What a configuration surface owns of a Supabase project, and what each operation sends.

A resource owns only what it sets (STYLE 18). Each surface states it once, as an
`Ownership` beside its provider (`SurfaceProvider.ownership`): the API fields it sets, what
it leaves to others, and the requests of create, update, refresh and delete, in order,
below `/v1/projects/{ref}`. The request-sequence tests (tests/components/supabase/
test_sequences.py) run each operation against the fake and compare what it sent with
these; the documentation's tables are checked against them too.
"""

from dataclasses import dataclass

Requests = tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Ownership:
    owns: str
    """The fields the surface sets."""
    leaves: str
    """What it never sends, so never changes: someone else's."""
    create: Requests
    update: Requests
    """A change of an owned field."""
    refresh: Requests
    delete: Requests
    """Empty: delete leaves the project's setting as it is."""
    note: str = ""
    """Requests sent only in some cases, or repeated while the API catches up; the
    sequences above are those of a change against an API that keeps up."""

    def operations(self) -> dict[str, Requests]:
        return {
            "create": self.create,
            "update": self.update,
            "refresh": self.refresh,
            "delete": self.delete,
        }
