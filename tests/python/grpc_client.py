"""Drives emergency.EmergencyService with the stock grpcio client over h2c.

Stubs are generated at run time from proto/emergency.proto with grpc_tools.protoc into a
temporary directory, exactly as a third party would. Usage:

    grpc_client.py BASE_URL OPERATOR_TOKEN VIEWER_TOKEN

Asserts every behaviour it checks, then prints a JSON summary on the last line for the Rust
test to cross-check against the database.
"""

import importlib
import json
import os
import sys
import tempfile
import threading
from urllib.parse import urlparse

import grpc
from grpc_tools import protoc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_DIR = os.path.join(ROOT, "proto")


def generate_stubs():
    out = tempfile.mkdtemp(prefix="cityflow_grpc_")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    code = protoc.main([
        "grpc_tools.protoc",
        f"-I{PROTO_DIR}",
        f"-I{include}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        os.path.join(PROTO_DIR, "emergency.proto"),
    ])
    assert code == 0, f"protoc failed with {code}"
    sys.path.insert(0, out)
    return importlib.import_module("emergency_pb2"), importlib.import_module("emergency_pb2_grpc")


pb, pb_grpc = generate_stubs()


def expect_error(code, call, *args, contains=None, **kwargs):
    try:
        call(*args, **kwargs)
    except grpc.RpcError as err:
        assert err.code() == code, f"expected {code}, got {err.code()}: {err.details()}"
        if contains is not None:
            assert contains in err.details(), f"{contains!r} not in {err.details()!r}"
        print(f"  {code.name}: {err.details()}")
        return err
    raise AssertionError(f"expected {code}, the call succeeded")


def by_id(items, ident):
    return next(i for i in items if i.id == ident)


def race(n, fn):
    """Runs fn(i) for i in 0..n at the same instant; returns [(ok, result_or_error)]."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        try:
            results[i] = (True, fn(i))
        except grpc.RpcError as err:
            results[i] = (False, err)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main():
    base, operator_token, viewer_token = sys.argv[1:4]
    target = urlparse(base).netloc
    operator = [("authorization", f"Bearer {operator_token}")]
    viewer = [("authorization", f"Bearer {viewer_token}")]
    summary = {}

    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.EmergencyServiceStub(channel)

        print("GetVehicles")
        vehicles = stub.GetVehicles(pb.EmptyRequest(), timeout=30).vehicles
        assert len(vehicles) == 8, vehicles
        types = [v.vehicle_type for v in vehicles]
        assert (types.count("ambulance"), types.count("fire_truck"), types.count("police_car")) == (3, 3, 2)
        assert sum(v.status == "available" for v in vehicles) == 5
        assert [v.id for v in vehicles] == sorted(v.id for v in vehicles)
        amb1 = next(v for v in vehicles if v.identifier == "AMB-001")
        assert amb1.station == "Hôpital Cochin" and amb1.crew_size == 2 and amb1.created_at.endswith("Z")

        print("GetVehicle")
        one = stub.GetVehicle(pb.VehicleRequest(id=amb1.id), timeout=30)
        assert one == amb1, (one, amb1)
        expect_error(grpc.StatusCode.NOT_FOUND, stub.GetVehicle, pb.VehicleRequest(id=999), contains="vehicle 999 not found")
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.GetVehicle, pb.VehicleRequest(), contains="id")

        print("GetAvailableVehicles")
        available = stub.GetAvailableVehicles(pb.VehicleTypeRequest(), timeout=30).vehicles
        assert len(available) == 5 and all(v.status == "available" for v in available)
        ambulances = stub.GetAvailableVehicles(pb.VehicleTypeRequest(vehicle_type="ambulance"), timeout=30).vehicles
        assert sorted(v.identifier for v in ambulances) == ["AMB-001", "AMB-003"], ambulances
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.GetAvailableVehicles,
                     pb.VehicleTypeRequest(vehicle_type="tank"), contains="vehicle_type")

        print("GetInterventions")
        active = stub.GetInterventions(pb.EmptyRequest(), timeout=30).interventions
        assert len(active) == 4, active
        assert active[0].priority == "critical" and active[0].intervention_type == "fire"
        assert sum(i.status == "in_progress" for i in active) == 2
        for i in active:
            assert (i.status == "in_progress") == (i.assigned_vehicle_id != 0), i
            assert i.zone.startswith("paris-") and i.completed_at == ""

        print("CreateIntervention: auth and validation")
        fire = pb.InterventionData(intervention_type="fire", priority="high",
                                   address="5 Rue Oberkampf, 75011 Paris", latitude=48.8645, longitude=2.3680,
                                   description="Fumée dans une cage d'escalier", zone="paris-11")
        expect_error(grpc.StatusCode.UNAUTHENTICATED, stub.CreateIntervention, fire, timeout=30)
        expect_error(grpc.StatusCode.UNAUTHENTICATED, stub.CreateIntervention, fire, timeout=30,
                     metadata=[("authorization", "Bearer not.a.jwt")])
        expect_error(grpc.StatusCode.PERMISSION_DENIED, stub.CreateIntervention, fire, timeout=30, metadata=viewer)
        bad = pb.InterventionData()
        bad.CopyFrom(fire)
        bad.priority = "urgent"
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.CreateIntervention, bad, metadata=operator, contains="priority")
        bad.CopyFrom(fire)
        bad.zone = "paris-99"
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.CreateIntervention, bad, metadata=operator, contains="paris-99")
        bad.CopyFrom(fire)
        bad.latitude, bad.longitude = 0.0, 0.0
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.CreateIntervention, bad, metadata=operator, contains="location")

        print("CreateIntervention")
        created = [stub.CreateIntervention(fire, metadata=operator, timeout=30) for _ in range(3)]
        for c in created:
            assert c.status == "pending" and c.assigned_vehicle_id == 0 and c.zone == "paris-11", c
            assert c.address == fire.address and c.description == fire.description
        assert len(stub.GetInterventions(pb.EmptyRequest()).interventions) == 7

        print("AssignVehicle: one vehicle raced to two interventions")
        fire1 = next(v for v in vehicles if v.identifier == "FIRE-001")
        results = race(2, lambda i: stub.AssignVehicle(
            pb.AssignmentRequest(intervention_id=created[i].id, vehicle_id=fire1.id), metadata=operator, timeout=30))
        winners = [r for ok, r in results if ok]
        losers = [r for ok, r in results if not ok]
        assert len(winners) == 1 and len(losers) == 1, results
        assert losers[0].code() == grpc.StatusCode.FAILED_PRECONDITION, losers[0]
        assert f"vehicle {fire1.id} is on_mission" in losers[0].details(), losers[0].details()
        won = winners[0]
        assert won.vehicle.id == fire1.id and won.vehicle.status == "on_mission"
        assert won.intervention.status == "in_progress" and won.intervention.assigned_vehicle_id == fire1.id
        assert 0.5 < won.distance_km < 3.0, won.distance_km
        assigned_intervention = won.intervention.id
        unassigned = next(c.id for c in created[:2] if c.id != assigned_intervention)

        print("AssignVehicle: two vehicles raced to one intervention")
        fire3 = next(v for v in vehicles if v.identifier == "FIRE-003")
        pol1 = next(v for v in vehicles if v.identifier == "POL-001")
        contenders = [fire3.id, pol1.id]
        results = race(2, lambda i: stub.AssignVehicle(
            pb.AssignmentRequest(intervention_id=unassigned, vehicle_id=contenders[i]), metadata=operator, timeout=30))
        assert sum(ok for ok, _ in results) == 1, results
        loser = next(r for ok, r in results if not ok)
        assert loser.code() == grpc.StatusCode.FAILED_PRECONDITION and "in_progress" in loser.details(), loser
        winner_vehicle = next(r for ok, r in results if ok).vehicle.id
        idle = next(v for v in contenders if v != winner_vehicle)
        assert stub.GetVehicle(pb.VehicleRequest(id=idle)).status == "available", "the losing vehicle stays available"

        print("AssignVehicle: refusals")
        expect_error(grpc.StatusCode.UNAUTHENTICATED, stub.AssignVehicle,
                     pb.AssignmentRequest(intervention_id=created[2].id, vehicle_id=idle))
        expect_error(grpc.StatusCode.NOT_FOUND, stub.AssignVehicle,
                     pb.AssignmentRequest(intervention_id=9999, vehicle_id=idle), metadata=operator, contains="intervention 9999")
        expect_error(grpc.StatusCode.NOT_FOUND, stub.AssignVehicle,
                     pb.AssignmentRequest(intervention_id=created[2].id, vehicle_id=9999), metadata=operator, contains="vehicle 9999")
        expect_error(grpc.StatusCode.FAILED_PRECONDITION, stub.AssignVehicle,
                     pb.AssignmentRequest(intervention_id=created[2].id, vehicle_id=fire1.id), metadata=operator,
                     contains="on_mission")
        fire2 = next(v for v in vehicles if v.identifier == "FIRE-002")
        expect_error(grpc.StatusCode.FAILED_PRECONDITION, stub.AssignVehicle,
                     pb.AssignmentRequest(intervention_id=created[2].id, vehicle_id=fire2.id), metadata=operator,
                     contains="maintenance")
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.AssignVehicle,
                     pb.AssignmentRequest(vehicle_id=idle), metadata=operator, contains="intervention_id")

        print("UpdateVehicleStatus")
        repaired = stub.UpdateVehicleStatus(pb.StatusUpdate(vehicle_id=fire2.id, new_status="available"),
                                            metadata=operator, timeout=30)
        assert repaired.status == "available"
        assert (repaired.latitude, repaired.longitude) == (fire2.latitude, fire2.longitude), "omitted coordinates keep the position"
        moved = stub.UpdateVehicleStatus(pb.StatusUpdate(vehicle_id=fire2.id, new_status="maintenance",
                                                         latitude=48.87, longitude=2.30), metadata=operator)
        assert (moved.status, moved.latitude, moved.longitude) == ("maintenance", 48.87, 2.30), moved
        expect_error(grpc.StatusCode.UNAUTHENTICATED, stub.UpdateVehicleStatus,
                     pb.StatusUpdate(vehicle_id=fire2.id, new_status="available"))
        expect_error(grpc.StatusCode.FAILED_PRECONDITION, stub.UpdateVehicleStatus,
                     pb.StatusUpdate(vehicle_id=fire1.id, new_status="available"), metadata=operator,
                     contains="CompleteIntervention")
        expect_error(grpc.StatusCode.FAILED_PRECONDITION, stub.UpdateVehicleStatus,
                     pb.StatusUpdate(vehicle_id=fire2.id, new_status="on_mission"), metadata=operator,
                     contains="AssignVehicle")
        expect_error(grpc.StatusCode.NOT_FOUND, stub.UpdateVehicleStatus,
                     pb.StatusUpdate(vehicle_id=9999, new_status="available"), metadata=operator)
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.UpdateVehicleStatus,
                     pb.StatusUpdate(vehicle_id=fire2.id, new_status="broken"), metadata=operator, contains="new_status")
        expect_error(grpc.StatusCode.INVALID_ARGUMENT, stub.UpdateVehicleStatus,
                     pb.StatusUpdate(vehicle_id=fire2.id, new_status="available", latitude=48.8), metadata=operator,
                     contains="both")
        # A vehicle on a mission may report its position.
        en_route = stub.UpdateVehicleStatus(pb.StatusUpdate(vehicle_id=fire1.id, new_status="on_mission",
                                                            latitude=48.86, longitude=2.365), metadata=operator)
        assert en_route.status == "on_mission" and en_route.latitude == 48.86

        print("CompleteIntervention")
        expect_error(grpc.StatusCode.UNAUTHENTICATED, stub.CompleteIntervention,
                     pb.InterventionRequest(id=assigned_intervention))
        done = stub.CompleteIntervention(pb.InterventionRequest(id=assigned_intervention), metadata=operator, timeout=30)
        assert done.status == "completed" and done.completed_at.endswith("Z") and done.assigned_vehicle_id == fire1.id
        assert stub.GetVehicle(pb.VehicleRequest(id=fire1.id)).status == "available", "completion releases the vehicle"
        expect_error(grpc.StatusCode.FAILED_PRECONDITION, stub.CompleteIntervention,
                     pb.InterventionRequest(id=assigned_intervention), metadata=operator, contains="completed")
        expect_error(grpc.StatusCode.NOT_FOUND, stub.CompleteIntervention,
                     pb.InterventionRequest(id=9999), metadata=operator)
        # The released vehicle can be dispatched again.
        again = stub.AssignVehicle(pb.AssignmentRequest(intervention_id=created[2].id, vehicle_id=fire1.id),
                                   metadata=operator, timeout=30)
        assert again.intervention.status == "in_progress"

        print("unknown method")
        unknown = channel.unary_unary("/emergency.EmergencyService/DeleteEverything",
                                      request_serializer=lambda b: b, response_deserializer=lambda b: b)
        expect_error(grpc.StatusCode.UNIMPLEMENTED, unknown, b"", timeout=30, contains="DeleteEverything")

        print("garbage protobuf from a stock client")
        raw = channel.unary_unary("/emergency.EmergencyService/GetVehicle",
                                  request_serializer=lambda b: b, response_deserializer=lambda b: b)
        expect_error(grpc.StatusCode.INTERNAL, raw, b"\xff\xff\xff\xff", timeout=30, contains="protobuf")
        # A wire-type mismatch on field 1 (id sent as a string).
        expect_error(grpc.StatusCode.INTERNAL, raw, b"\x0a\x03abc", timeout=30, contains="protobuf")

        final = stub.GetInterventions(pb.EmptyRequest()).interventions
        summary["active_interventions"] = len(final)
        summary["completed_intervention"] = assigned_intervention
        summary["created"] = [c.id for c in created]
        summary["fire1"] = fire1.id

    print(json.dumps(summary))


if __name__ == "__main__":
    main()
