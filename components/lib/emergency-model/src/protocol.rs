//! Which call a request is: the wire format from its content type, the rpc from its path.

/// The service's full name; rpcs live at `/{SERVICE}/{Method}`.
pub const SERVICE: &str = "emergency.EmergencyService";

/// How a call travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    /// gRPC over HTTP/2: status in HTTP trailers.
    Grpc,
    /// gRPC-Web (any HTTP version): status in a final trailer frame of the body.
    GrpcWeb,
}

impl Wire {
    /// Reads a `content-type`. `Err` names what is not supported (JSON or base64-text
    /// variants, or not gRPC at all), for a 415 answer.
    pub fn from_content_type(content_type: Option<&str>) -> Result<Wire, String> {
        let Some(value) = content_type else {
            return Err("missing content-type; gRPC calls use application/grpc".into());
        };
        let media = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match media.as_str() {
            "application/grpc" | "application/grpc+proto" => Ok(Wire::Grpc),
            "application/grpc-web" | "application/grpc-web+proto" => Ok(Wire::GrpcWeb),
            other => Err(format!(
                "content-type {other:?} is not supported; use application/grpc, \
                 application/grpc+proto, application/grpc-web or application/grpc-web+proto"
            )),
        }
    }

    /// The response content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Wire::Grpc => "application/grpc",
            Wire::GrpcWeb => "application/grpc-web+proto",
        }
    }
}

/// The service's rpcs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rpc {
    GetVehicles,
    GetVehicle,
    GetInterventions,
    CreateIntervention,
    AssignVehicle,
    GetAvailableVehicles,
    UpdateVehicleStatus,
    CompleteIntervention,
}

impl Rpc {
    pub const ALL: [Rpc; 8] = [
        Rpc::GetVehicles,
        Rpc::GetVehicle,
        Rpc::GetInterventions,
        Rpc::CreateIntervention,
        Rpc::AssignVehicle,
        Rpc::GetAvailableVehicles,
        Rpc::UpdateVehicleStatus,
        Rpc::CompleteIntervention,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rpc::GetVehicles => "GetVehicles",
            Rpc::GetVehicle => "GetVehicle",
            Rpc::GetInterventions => "GetInterventions",
            Rpc::CreateIntervention => "CreateIntervention",
            Rpc::AssignVehicle => "AssignVehicle",
            Rpc::GetAvailableVehicles => "GetAvailableVehicles",
            Rpc::UpdateVehicleStatus => "UpdateVehicleStatus",
            Rpc::CompleteIntervention => "CompleteIntervention",
        }
    }

    /// The rpc at a request path (`/emergency.EmergencyService/GetVehicle`, query ignored);
    /// `None` for anything else, which callers answer UNIMPLEMENTED as gRPC servers do.
    pub fn from_path(path: &str) -> Option<Rpc> {
        let path = path.split('?').next().unwrap_or_default();
        let method = path.strip_prefix('/')?.strip_prefix(SERVICE)?.strip_prefix('/')?;
        Rpc::ALL.into_iter().find(|rpc| rpc.name() == method)
    }

    /// Writes change state and need an operator token; reads are public.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Rpc::CreateIntervention | Rpc::AssignVehicle | Rpc::UpdateVehicleStatus | Rpc::CompleteIntervention
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(Wire::from_content_type(Some("application/grpc")), Ok(Wire::Grpc));
        assert_eq!(Wire::from_content_type(Some("application/grpc+proto")), Ok(Wire::Grpc));
        assert_eq!(Wire::from_content_type(Some("Application/GRPC; charset=x")), Ok(Wire::Grpc));
        assert_eq!(Wire::from_content_type(Some("application/grpc-web")), Ok(Wire::GrpcWeb));
        assert_eq!(Wire::from_content_type(Some("application/grpc-web+proto")), Ok(Wire::GrpcWeb));
        assert!(Wire::from_content_type(Some("application/grpc+json")).is_err());
        assert!(Wire::from_content_type(Some("application/grpc-web-text")).is_err());
        assert!(Wire::from_content_type(Some("application/json")).is_err());
        assert!(Wire::from_content_type(None).is_err());
    }

    #[test]
    fn every_rpc_resolves_from_its_path() {
        for rpc in Rpc::ALL {
            let path = format!("/{SERVICE}/{}", rpc.name());
            assert_eq!(Rpc::from_path(&path), Some(rpc));
        }
        assert_eq!(Rpc::from_path("/emergency.EmergencyService/GetVehicle?x=1"), Some(Rpc::GetVehicle));
    }

    #[test]
    fn unknown_paths_resolve_to_nothing() {
        for path in [
            "/emergency.EmergencyService/DeleteEverything",
            "/emergency.EmergencyService/",
            "/emergency.EmergencyService",
            "/emergency.Other/GetVehicles",
            "/emergency.EmergencyService/getvehicles",
            "/emergency.EmergencyService/GetVehicles/extra",
        ] {
            assert_eq!(Rpc::from_path(path), None, "{path}");
        }
    }

    #[test]
    fn writes_are_the_four_state_changes() {
        let writes: Vec<_> = Rpc::ALL.into_iter().filter(|r| r.is_write()).map(Rpc::name).collect();
        assert_eq!(writes, ["CreateIntervention", "AssignVehicle", "UpdateVehicleStatus", "CompleteIntervention"]);
    }
}
