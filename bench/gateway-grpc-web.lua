-- wrk script: a unary gRPC-Web call with an empty message (5-byte frame header, length 0).
-- The method comes from the URL path, e.g. /emergency.EmergencyService/GetVehicles.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/grpc-web+proto"
wrk.headers["X-Grpc-Web"] = "1"
wrk.body = "\0\0\0\0\0"
