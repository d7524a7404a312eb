"""The one door to the Pulumi SDK's internals.

The offline engine plays the Pulumi engine's part for a program, a part the SDK's
public API (`pulumi.runtime.set_mocks`, `Mocks`) covers only for unit tests: it
neither keeps what the engine receives (parents, dependencies, providers, protect)
nor lets anyone else speak the wire protocol. Each name below says why the public
API does not suffice. They are checked against one SDK release: importing this
module under another refuses to go on, so an upgrade cannot change a plan
silently; after checking each use against the new release, change PINNED along
with `make lock` (tests/crms_infra/test_sdk.py holds PINNED to requirements.txt).

Public names (`pulumi.runtime.configure`, `reset_options`, `run_in_stack`,
`set_all_config`, `Mocks`, `MockResourceArgs`; `pulumi.get_stack`) are imported
from where the SDK exports them, not from here.
"""

import contextlib
import importlib.metadata
import pickle
from collections.abc import Iterator

PINNED = "3.272.0"
"""The pulumi release whose internals this module was checked against."""


class SdkVersionError(RuntimeError):
    """The installed pulumi is not the release this module was checked against."""


def require_pinned(found: str) -> None:
    if found != PINNED:
        raise SdkVersionError(
            f"crms-infra's offline engine uses internals of pulumi {PINNED}, and this "
            f"environment has pulumi {found}: run `make setup` (it installs the pinned "
            "set), or check each use in crms_infra/offline/sdk.py against the new release"
        )


require_pinned(importlib.metadata.version("pulumi"))

# Imported only after the version check: another release may not have these at all.

# A dynamic resource's provider as the engine stores it (pickled, base64): the tests
# check that the Supabase provider survives the trip, which no public name offers.
from pulumi.dynamic.dynamic import serialize_provider  # noqa: E402

# The engine's wire format (protobuf Structs with signature keys for secrets, resource
# references, assets and unknowns): the monitor must (de)serialize registrations as the
# engine does, and the plan must read the signatures, which have no public names.
from pulumi.runtime import rpc  # noqa: E402

# The Python SDK's own mock engine pieces: `set_mocks` builds them but hides them; the
# recording monitor subclasses MockMonitor to keep each whole RegisterResourceRequest,
# and the engine configures MockSettings itself to hand it that monitor.
from pulumi.runtime.mocks import MockEngine, MockMonitor, MockSettings  # noqa: E402

# The gRPC messages of the resource monitor and the analyzer (the policy pack's
# service): the offline engine is the engine's side of both protocols.
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, resource_pb2  # noqa: E402

# The SDK keeps the stack's exports in its settings until the run ends; runs of several
# stacks in one process must start from none.
from pulumi.runtime.settings import SETTINGS  # noqa: E402

# The program's run (run_in_stack) is a coroutine that the SDK drives on its own loop,
# and its mock monitor serializes on the calling thread with these two; there are no
# public equivalents.
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await  # noqa: E402

WIRE_SIGNATURE_KEY = rpc._special_sig_key
"""The key that marks a special value in a wire Struct, and each kind's signature."""
SECRET_SIGNATURE = rpc._special_secret_sig
RESOURCE_SIGNATURE = rpc._special_resource_sig
ASSET_SIGNATURE = rpc._special_asset_sig
ARCHIVE_SIGNATURE = rpc._special_archive_sig
OUTPUT_SIGNATURE = rpc._special_output_value_sig


sync_await = _sync_await

# serialize_provider (pulumi/dynamic/dynamic.py) sorts a pickled provider's dicts by
# wrapping pickle's pure-Python Pickler `_batch_setitems` (and replacing `save_dict`) and
# never restores them: each dynamic resource a process registers wraps the wrapper once
# more, so a process that plans several stacks (prod plans staging first) passes Python's
# recursion limit in the next pickle. The engine puts the originals back after each run.
_PICKLER_METHODS = ("_batch_setitems", "save_dict")
_PICKLER_ORIGINALS = {name: getattr(pickle._Pickler, name) for name in _PICKLER_METHODS}


@contextlib.contextmanager
def pickler_restored() -> Iterator[None]:
    """Run a program; then the pure-Python Pickler has its own methods again."""
    try:
        yield
    finally:
        for name, method in _PICKLER_ORIGINALS.items():
            setattr(pickle._Pickler, name, method)


def ensure_event_loop() -> None:
    _ensure_event_loop()  # type: ignore[no-untyped-call]  # untyped in the SDK


__all__ = [
    "ARCHIVE_SIGNATURE",
    "ASSET_SIGNATURE",
    "OUTPUT_SIGNATURE",
    "PINNED",
    "RESOURCE_SIGNATURE",
    "SECRET_SIGNATURE",
    "SETTINGS",
    "WIRE_SIGNATURE_KEY",
    "MockEngine",
    "MockMonitor",
    "MockSettings",
    "SdkVersionError",
    "analyzer_pb2",
    "analyzer_pb2_grpc",
    "ensure_event_loop",
    "pickler_restored",
    "resource_pb2",
    "rpc",
    "serialize_provider",
    "sync_await",
]
