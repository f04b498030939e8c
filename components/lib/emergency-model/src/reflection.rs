//! gRPC server reflection (`grpc.reflection.v1` and `v1alpha`, same messages), so generic
//! tools such as `grpcurl list` or a reflection-based client discover the service without the
//! .proto. Answers come from the descriptors build.rs embedded.

use crate::descriptors::FILES;
use crate::reflection_pb::server_reflection_request::MessageRequest;
use crate::reflection_pb::server_reflection_response::MessageResponse;
use crate::reflection_pb::{
    ErrorResponse, FileDescriptorResponse, ListServiceResponse, ServerReflectionRequest, ServerReflectionResponse,
    ServiceResponse,
};
use crate::status::Code;

/// The reflection service's paths (one per protocol version); the method is
/// `ServerReflectionInfo`, a bidirectional stream.
pub const PATHS: [&str; 2] = [
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// Whether a request path (query ignored) is the reflection stream.
pub fn is_reflection_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    PATHS.contains(&path)
}

/// The services a client can list.
pub const SERVICES: [&str; 2] = [crate::protocol::SERVICE, "grpc.reflection.v1.ServerReflection"];

/// The answer to one request of the stream.
pub fn answer(request: &ServerReflectionRequest) -> ServerReflectionResponse {
    let response = match &request.message_request {
        Some(MessageRequest::ListServices(_)) => MessageResponse::ListServicesResponse(ListServiceResponse {
            service: SERVICES.iter().map(|name| ServiceResponse { name: name.to_string() }).collect(),
        }),
        Some(MessageRequest::FileByFilename(name)) => match FILES.iter().find(|file| file.0 == name) {
            Some(file) => files(file.3),
            None => error(Code::NotFound, format!("no file {name:?}; the service is described by emergency.proto")),
        },
        Some(MessageRequest::FileContainingSymbol(symbol)) => match file_declaring(symbol) {
            Some(descriptor) => files(descriptor),
            None => error(Code::NotFound, format!("no symbol {symbol:?}")),
        },
        Some(MessageRequest::FileContainingExtension(ext)) => {
            error(Code::NotFound, format!("no extensions of {:?}", ext.containing_type))
        }
        Some(MessageRequest::AllExtensionNumbersOfType(name)) => {
            error(Code::NotFound, format!("no extensions of {name:?}"))
        }
        None => error(Code::InvalidArgument, "the request names no reflection query".to_string()),
    };
    ServerReflectionResponse {
        valid_host: request.host.clone(),
        original_request: Some(request.clone()),
        message_response: Some(response),
    }
}

/// The descriptor of the file declaring `symbol`: a package-qualified message, service or enum
/// name, or something nested in one (`emergency.EmergencyService.GetVehicle`,
/// `emergency.Vehicle.id`).
fn file_declaring(symbol: &str) -> Option<&'static [u8]> {
    FILES.iter().find_map(|(_, package, symbols, descriptor)| {
        let local = symbol.strip_prefix(package)?.strip_prefix('.')?;
        let top = local.split('.').next()?;
        symbols.contains(&top).then_some(*descriptor)
    })
}

/// Our files import nothing, so one descriptor is the whole answer.
fn files(descriptor: &[u8]) -> MessageResponse {
    MessageResponse::FileDescriptorResponse(FileDescriptorResponse { file_descriptor_proto: vec![descriptor.to_vec()] })
}

fn error(code: Code, message: String) -> MessageResponse {
    MessageResponse::ErrorResponse(ErrorResponse { error_code: code.number() as i32, error_message: message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reflection_pb::ExtensionRequest;

    fn ask(request: MessageRequest) -> MessageResponse {
        let request = ServerReflectionRequest { host: "h".into(), message_request: Some(request) };
        let response = answer(&request);
        assert_eq!(response.valid_host, "h");
        assert_eq!(response.original_request.as_ref(), Some(&request));
        response.message_response.unwrap()
    }

    fn descriptor_names(response: MessageResponse) -> Vec<usize> {
        match response {
            MessageResponse::FileDescriptorResponse(files) => files.file_descriptor_proto.iter().map(Vec::len).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn error_code(response: MessageResponse) -> i32 {
        match response {
            MessageResponse::ErrorResponse(e) => e.error_code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lists_the_services() {
        match ask(MessageRequest::ListServices(String::new())) {
            MessageResponse::ListServicesResponse(list) => {
                let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
                assert_eq!(names, ["emergency.EmergencyService", "grpc.reflection.v1.ServerReflection"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn finds_files_by_name_and_by_symbol() {
        let by_name = descriptor_names(ask(MessageRequest::FileByFilename("emergency.proto".into())));
        assert_eq!(by_name.len(), 1);
        assert!(by_name[0] > 500);
        for symbol in ["emergency.EmergencyService", "emergency.Vehicle", "emergency.EmergencyService.AssignVehicle", "emergency.StatusUpdate.latitude"] {
            assert_eq!(descriptor_names(ask(MessageRequest::FileContainingSymbol(symbol.into()))), by_name, "{symbol}");
        }
        let reflection = descriptor_names(ask(MessageRequest::FileContainingSymbol("grpc.reflection.v1.ServerReflection".into())));
        assert_ne!(reflection, by_name);
    }

    #[test]
    fn unknown_names_are_not_found() {
        for request in [
            MessageRequest::FileByFilename("other.proto".into()),
            MessageRequest::FileContainingSymbol("emergency.Nope".into()),
            MessageRequest::FileContainingSymbol("emergencyX.Vehicle".into()),
            MessageRequest::FileContainingSymbol("Vehicle".into()),
            MessageRequest::AllExtensionNumbersOfType("emergency.Vehicle".into()),
            MessageRequest::FileContainingExtension(ExtensionRequest { containing_type: "emergency.Vehicle".into(), extension_number: 100 }),
        ] {
            assert_eq!(error_code(ask(request)), 5);
        }
    }

    #[test]
    fn the_embedded_descriptor_is_the_proto_s() {
        use prost::Message;
        // Field 1 of FileDescriptorProto is the name, field 2 the package.
        #[derive(Clone, PartialEq, prost::Message)]
        struct Head {
            #[prost(string, optional, tag = "1")]
            name: Option<String>,
            #[prost(string, optional, tag = "2")]
            package: Option<String>,
        }
        let file = FILES.iter().find(|f| f.0 == "emergency.proto").unwrap();
        let head = Head::decode(file.3).unwrap();
        assert_eq!(head.name.as_deref(), Some("emergency.proto"));
        assert_eq!(head.package.as_deref(), Some("emergency"));
        assert!(file.2.contains(&"EmergencyService") && file.2.contains(&"InterventionData"));
    }

    #[test]
    fn reflection_paths() {
        assert!(is_reflection_path(PATHS[0]));
        assert!(is_reflection_path(PATHS[1]));
        assert!(!is_reflection_path("/grpc.reflection.v1.ServerReflection/Other"));
    }
}
