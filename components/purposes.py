"""What each CRMS bucket holds, and what its replica in the second region is.

The photos and backups replicas differ in how S3 fills them, not in what they are, so
those differences are one table, read by components.storage (which buckets and keys
exist) and components.replication (how S3 copies into them). A replica keeps the
retention of its source (cold storage, object lock): it is made from the source's own
arguments.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

PURPOSE_TAG = "purpose"
"""The tag that says what a bucket holds; the policy pack finds the backups by it."""


class Purpose(StrEnum):
    """What a bucket holds (its PURPOSE_TAG); a replica holds what its source holds."""

    PHOTOS = "photos"
    BACKUPS = "backups"
    ACCESS_LOGS = "access-logs"


@dataclass(frozen=True, kw_only=True)
class ReplicaPlan:
    """The replica of one Zurich bucket: its resources' names and S3's replication rule."""

    bucket: str
    """The replica bucket's name after the storage component's ("backups-replica")."""
    key: str
    """Its KMS key's name after the storage component's."""
    replication: str
    """The source's replication configuration's name after the storage component's."""
    rule_id: str
    """The replication rule's ID."""
    storage_class: str
    """The storage class replicas are written in."""
    within_15_minutes: bool
    """Replication Time Control (and its metrics): S3's 15-minute commitment, billed."""
    replicate_delete_markers: bool
    """Whether a delete marker on the source hides the replica's copy too."""


REPLICA_PLANS: Mapping[Purpose, ReplicaPlan] = {
    # Backups are read only in a disaster: infrequent access, no time commitment. They are
    # locked, so a replicated delete marker hides nothing for good.
    Purpose.BACKUPS: ReplicaPlan(
        bucket="backups-replica",
        key="replica-key",  # the first replica's name, kept: renaming would replace the key
        replication="backups-replication",
        rule_id="backups-to-replica",
        storage_class="STANDARD_IA",
        within_15_minutes=False,
        replicate_delete_markers=True,
    ),
    # Photos replicate within 15 minutes, which bounds the recent photos a loss of Zurich
    # would take with it. They are not locked: a delete marker replicated from a compromised or
    # mistaken delete would hide the replica's copy too, so the replica keeps showing it.
    Purpose.PHOTOS: ReplicaPlan(
        bucket="photos-replica",
        key="photos-replica-key",
        replication="photos-replication",
        rule_id="photos-to-replica",
        storage_class="STANDARD",
        within_15_minutes=True,
        replicate_delete_markers=False,
    ),
}
"""In the order the replicas are made (the plan lists them so)."""
