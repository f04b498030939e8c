//! Why a dispatch statement changed nothing. The statements themselves are atomic; when one
//! updates no row, the component reads the current statuses and these functions turn them
//! into the status the caller gets.

use crate::status::Status;

/// [`crate::sql::ASSIGN`] updated nothing; the statuses are read just after (None: no row).
pub fn assignment_refused(
    intervention_id: i32,
    vehicle_id: i32,
    intervention_status: Option<&str>,
    vehicle_status: Option<&str>,
) -> Status {
    match (intervention_status, vehicle_status) {
        (None, _) => Status::not_found(format!("intervention {intervention_id} not found")),
        (_, None) => Status::not_found(format!("vehicle {vehicle_id} not found")),
        (Some(i), _) if i != "pending" => Status::failed_precondition(format!(
            "intervention {intervention_id} is {i}; only pending interventions can be assigned a vehicle"
        )),
        (_, Some(v)) if v != "available" => Status::failed_precondition(format!(
            "vehicle {vehicle_id} is {v}; only available vehicles can be assigned"
        )),
        // Both qualify now: something changed between the two statements. Rare; the caller
        // may simply retry.
        _ => Status::failed_precondition(format!(
            "intervention {intervention_id} or vehicle {vehicle_id} changed during the assignment; retry"
        )),
    }
}

/// [`crate::sql::COMPLETE`] updated nothing.
pub fn completion_refused(intervention_id: i32, status: Option<&str>) -> Status {
    match status {
        None => Status::not_found(format!("intervention {intervention_id} not found")),
        Some(s) => Status::failed_precondition(format!(
            "intervention {intervention_id} is {s}; only pending or in_progress interventions can be completed"
        )),
    }
}

/// [`crate::sql::UPDATE_VEHICLE_STATUS`] updated nothing.
pub fn status_change_refused(vehicle_id: i32, requested: &str, current: Option<&str>) -> Status {
    match current {
        None => Status::not_found(format!("vehicle {vehicle_id} not found")),
        Some("on_mission") if requested != "on_mission" => Status::failed_precondition(format!(
            "vehicle {vehicle_id} is on_mission; CompleteIntervention releases it"
        )),
        Some(current) if requested == "on_mission" => Status::failed_precondition(format!(
            "vehicle {vehicle_id} is {current}; vehicles go on a mission only through AssignVehicle"
        )),
        Some(_) => Status::failed_precondition(format!("vehicle {vehicle_id} changed during the update; retry")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Code;

    #[test]
    fn assignment_reasons() {
        assert_eq!(assignment_refused(1, 2, None, Some("available")).code, Code::NotFound);
        let missing_vehicle = assignment_refused(1, 2, Some("pending"), None);
        assert_eq!(missing_vehicle.code, Code::NotFound);
        assert_eq!(missing_vehicle.message, "vehicle 2 not found");
        let busy = assignment_refused(1, 2, Some("pending"), Some("on_mission"));
        assert_eq!(busy.code, Code::FailedPrecondition);
        assert!(busy.message.contains("vehicle 2 is on_mission"), "{busy}");
        let started = assignment_refused(1, 2, Some("in_progress"), Some("available"));
        assert!(started.message.contains("intervention 1 is in_progress"), "{started}");
        assert_eq!(assignment_refused(1, 2, Some("pending"), Some("available")).code, Code::FailedPrecondition);
    }

    #[test]
    fn completion_reasons() {
        assert_eq!(completion_refused(7, None).code, Code::NotFound);
        let done = completion_refused(7, Some("completed"));
        assert_eq!(done.code, Code::FailedPrecondition);
        assert!(done.message.contains("is completed"));
    }

    #[test]
    fn status_change_reasons() {
        assert_eq!(status_change_refused(3, "available", None).code, Code::NotFound);
        assert!(status_change_refused(3, "available", Some("on_mission")).message.contains("CompleteIntervention"));
        assert!(status_change_refused(3, "on_mission", Some("available")).message.contains("AssignVehicle"));
    }
}
