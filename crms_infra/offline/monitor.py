"""A mock resource monitor that records every registration as the engine receives it."""

from dataclasses import dataclass
from typing import Any

from google.protobuf import empty_pb2, struct_pb2
from pulumi import get_project, get_stack
from pulumi.runtime import MockResourceArgs

from crms_infra.offline.masking import struct_to_plan
from crms_infra.offline.mocks import PlanMocks
from crms_infra.offline.sdk import MockMonitor, ensure_event_loop, resource_pb2, rpc, sync_await


@dataclass(frozen=True)
class Registration:
    request: resource_pb2.RegisterResourceRequest
    id: str | None
    read: bool = False
    """A resource the program reads (a StackReference) rather than manages. The engine
    keeps reads apart from the stack's resources and hands the policy pack none of them
    (pulumi/pulumi pkg/resource/deploy/step_executor.go: `reads`, not `news`;
    step_generator.go: GenerateReadSteps runs no analyzer)."""


class RecordingMonitor(MockMonitor):
    """MockMonitor that keeps the full request (parent, dependencies, protect, provider)
    and, like the engine, marks a resource's `additionalSecretOutputs` secret."""

    mocks: PlanMocks

    def __init__(self, mocks: PlanMocks) -> None:
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}
        self.outputs: dict[str, struct_pb2.Struct] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them: the parent's full type chain, without the root stack.

        (The SDK's mock monitor keeps only the parent's last type and includes the
        stack's, so its URNs would not match those that exemptions name.)
        """
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != "pulumi:pulumi:Stack":
                qualified = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([get_stack(), get_project(), qualified, name])

    def RegisterResource(
        self, request: resource_pb2.RegisterResourceRequest
    ) -> resource_pb2.RegisterResourceResponse:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            self.registrations[urn] = Registration(request, None)
            return resource_pb2.RegisterResourceResponse(urn=urn)

        ensure_event_loop()  # serialization runs on this thread, as in the SDK's own monitor
        inputs = rpc.deserialize_properties(request.object)
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom,
            )
        )
        for key in request.additionalSecretOutputs:
            if key in state:
                state[key] = rpc.wrap_rpc_secret(state[key])
        wire_state = sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        self.registrations[urn] = Registration(request, resource_id if request.custom else None)
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id or "", object=wire_state
        )

    def ReadResource(
        self, request: resource_pb2.ReadResourceRequest
    ) -> resource_pb2.ReadResourceResponse:
        """A read, answered by the mocks (as the SDK's own monitor does, but for a custom
        resource, which a read always is) and kept as a registration."""
        urn = self.make_urn(request.parent, request.type, request.name)
        ensure_event_loop()
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=rpc.deserialize_properties(request.properties),
                provider=request.provider,
                resource_id=request.id,
                custom=True,
            )
        )
        wire_state = sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        as_registered = resource_pb2.RegisterResourceRequest(
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=True,
            object=request.properties,
            dependencies=list(request.dependencies),
            provider=request.provider,
        )
        self.registrations[urn] = Registration(as_registered, request.id, read=True)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=wire_state)

    def stack_outputs(self) -> dict[str, Any]:
        """The root stack's outputs as a plan shows them: secret ones masked."""
        for urn, registration in self.registrations.items():
            if registration.request.type == "pulumi:pulumi:Stack" and urn in self.outputs:
                return struct_to_plan(self.outputs[urn])
        return {}

    def RegisterResourceOutputs(
        self, request: resource_pb2.RegisterResourceOutputsRequest
    ) -> empty_pb2.Empty:
        self.outputs[request.urn] = request.outputs
        return empty_pb2.Empty()
