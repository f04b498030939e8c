"""Discovers emergency.EmergencyService through gRPC server reflection, with no .proto file,
and calls it with message classes built from the reflected descriptors.

Usage: grpc_reflection_client.py BASE_URL

grpcio-reflection's client speaks grpc.reflection.v1alpha over one bidirectional stream and
waits for each answer before its next request, so this also shows the runtime streams both
directions of an HTTP/2 call.
"""

import sys
from urllib.parse import urlparse

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase


def main():
    target = urlparse(sys.argv[1]).netloc
    with grpc.insecure_channel(target) as channel:
        reflection_db = ProtoReflectionDescriptorDatabase(channel)
        services = list(reflection_db.get_services())
        print("services:", services)
        assert "emergency.EmergencyService" in services, services

        pool = descriptor_pool.DescriptorPool(reflection_db)
        service = pool.FindServiceByName("emergency.EmergencyService")
        methods = sorted(m.name for m in service.methods)
        print("methods:", methods)
        assert methods == sorted([
            "GetVehicles", "GetVehicle", "GetInterventions", "CreateIntervention", "AssignVehicle",
            "GetAvailableVehicles", "UpdateVehicleStatus", "CompleteIntervention",
        ]), methods
        get_vehicle = service.FindMethodByName("GetVehicle")
        assert get_vehicle.input_type.full_name == "emergency.VehicleRequest"
        vehicle_fields = {f.name: f.number for f in pool.FindMessageTypeByName("emergency.Vehicle").fields}
        assert vehicle_fields["identifier"] == 3 and vehicle_fields["crew_size"] == 8, vehicle_fields

        # A call made only from what reflection said.
        request_class = message_factory.GetMessageClass(get_vehicle.input_type)
        response_class = message_factory.GetMessageClass(get_vehicle.output_type)
        call = channel.unary_unary("/emergency.EmergencyService/GetVehicle",
                                   request_serializer=request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)
        vehicle = call(request_class(id=1), timeout=30)
        print("vehicle 1:", vehicle.identifier, vehicle.status)
        assert vehicle.identifier == "AMB-001"

        try:
            pool.FindMessageTypeByName("emergency.Nothing")
        except KeyError as err:
            print("unknown symbol:", err)
        else:
            raise AssertionError("an unknown symbol was found")


if __name__ == "__main__":
    main()
