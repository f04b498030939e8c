//! The service's SQL, all parameterized. Spin's Postgres interface runs each statement in a
//! transaction of its own, so every state change that touches two rows is ONE statement:
//! a CTE that locks both rows (`FOR UPDATE`, which re-checks the conditions on the newest
//! row versions under READ COMMITTED) and updates them only if both still qualify. Of two
//! concurrent assignments of one vehicle, the second waits for the first's lock, sees the
//! vehicle `on_mission`, and updates nothing.
//!
//! Row shapes: [`VEHICLE_COLUMNS`] and [`INTERVENTION_COLUMNS`] values in that order;
//! timestamps come out as RFC 3339 UTC text.

/// id, vehicle_type, identifier, status, latitude, longitude, station, crew_size,
/// created_at, updated_at.
pub const VEHICLE_COLUMNS: usize = 10;
/// id, intervention_type, priority, address, latitude, longitude, status,
/// assigned_vehicle_id (0 for none), description, created_at, completed_at ("" while
/// active), zone ("" for none).
pub const INTERVENTION_COLUMNS: usize = 12;

macro_rules! vehicle_select {
    ($v:literal) => {
        concat!(
            $v, ".id, ", $v, ".vehicle_type, ", $v, ".identifier, ", $v, ".status, ",
            $v, ".latitude, ", $v, ".longitude, ", $v, ".station, ", $v, ".crew_size, ",
            "to_char(", $v, ".created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ",
            "to_char(", $v, ".updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        )
    };
}

macro_rules! intervention_select {
    ($i:literal) => {
        concat!(
            $i, ".id, ", $i, ".intervention_type, ", $i, ".priority, ", $i, ".address, ",
            $i, ".latitude, ", $i, ".longitude, ", $i, ".status, ",
            "COALESCE(", $i, ".assigned_vehicle_id, 0), ", $i, ".description, ",
            "to_char(", $i, ".created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ",
            "COALESCE(to_char(", $i, ".completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), ",
            "COALESCE(", $i, ".zone, '')"
        )
    };
}

pub const LIST_VEHICLES: &str = concat!("SELECT ", vehicle_select!("v"), " FROM vehicles v ORDER BY v.id");

/// $1 id.
pub const GET_VEHICLE: &str = concat!("SELECT ", vehicle_select!("v"), " FROM vehicles v WHERE v.id = $1");

/// $1 vehicle type or NULL for every type.
pub const AVAILABLE_VEHICLES: &str = concat!(
    "SELECT ", vehicle_select!("v"),
    " FROM vehicles v WHERE v.status = 'available' AND ($1::text IS NULL OR v.vehicle_type = $1) ORDER BY v.id"
);

/// Active interventions, most urgent first, then oldest first.
pub const ACTIVE_INTERVENTIONS: &str = concat!(
    "SELECT ", intervention_select!("i"),
    " FROM interventions i WHERE i.status IN ('pending', 'in_progress')",
    " ORDER BY array_position(ARRAY['critical', 'high', 'medium', 'low'], i.priority), i.created_at, i.id"
);

/// $1 type, $2 priority, $3 address, $4 latitude, $5 longitude, $6 description, $7 zone
/// (NULL for none). Always pending.
pub const INSERT_INTERVENTION: &str = concat!(
    "INSERT INTO interventions AS i (intervention_type, priority, address, latitude, longitude, description, zone)",
    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ", intervention_select!("i")
);

/// $1 intervention id, $2 vehicle id. One row (the intervention's columns, then the
/// vehicle's) when the intervention was pending and the vehicle available; none otherwise.
pub const ASSIGN: &str = concat!(
    "WITH target AS (",
    " SELECT i.id AS intervention_id, v.id AS vehicle_id",
    " FROM interventions i CROSS JOIN vehicles v",
    " WHERE i.id = $1 AND v.id = $2 AND i.status = 'pending' AND v.status = 'available'",
    " FOR UPDATE OF i, v",
    "), dispatched AS (",
    " UPDATE vehicles v SET status = 'on_mission', updated_at = now()",
    " FROM target t WHERE v.id = t.vehicle_id RETURNING v.*",
    "), opened AS (",
    " UPDATE interventions i SET status = 'in_progress', assigned_vehicle_id = t.vehicle_id",
    " FROM target t WHERE i.id = t.intervention_id RETURNING i.*",
    ") SELECT ", intervention_select!("i"), ", ", vehicle_select!("v"),
    " FROM opened i CROSS JOIN dispatched v"
);

/// $1 intervention id, $2 vehicle id: their current statuses (NULL when missing), to explain
/// why [`ASSIGN`] changed nothing.
pub const ASSIGN_DIAGNOSIS: &str = "SELECT (SELECT status FROM interventions WHERE id = $1), \
     (SELECT status FROM vehicles WHERE id = $2)";

/// $1 intervention id. Completes an active intervention and releases its vehicle; one row
/// (the intervention) or none when it is missing or already completed.
pub const COMPLETE: &str = concat!(
    "WITH target AS (",
    " SELECT id, assigned_vehicle_id FROM interventions",
    " WHERE id = $1 AND status IN ('pending', 'in_progress') FOR UPDATE",
    "), released AS (",
    " UPDATE vehicles v SET status = 'available', updated_at = now()",
    " FROM target t WHERE v.id = t.assigned_vehicle_id AND v.status = 'on_mission' RETURNING v.id",
    "), closed AS (",
    " UPDATE interventions i SET status = 'completed', completed_at = now()",
    " FROM target t WHERE i.id = t.id RETURNING i.*",
    ") SELECT ", intervention_select!("i"), " FROM closed i"
);

/// $1 intervention id: its status (no row when missing).
pub const INTERVENTION_STATUS: &str = "SELECT status FROM interventions WHERE id = $1";

/// $1 vehicle id, $2 new status, $3 latitude or NULL, $4 longitude or NULL (NULL keeps the
/// position). Going on or off a mission belongs to AssignVehicle / CompleteIntervention, so
/// the row changes only when it is on a mission before and after, or neither.
pub const UPDATE_VEHICLE_STATUS: &str = concat!(
    "UPDATE vehicles v SET status = $2, latitude = COALESCE($3::float8, v.latitude),",
    " longitude = COALESCE($4::float8, v.longitude), updated_at = now()",
    " WHERE v.id = $1 AND (v.status = 'on_mission') = ($2::text = 'on_mission')",
    " RETURNING ", vehicle_select!("v")
);

/// $1 vehicle id: its status (no row when missing).
pub const VEHICLE_STATUS: &str = "SELECT status FROM vehicles WHERE id = $1";

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(sql: &str) -> Vec<u32> {
        let mut found: Vec<u32> = sql
            .split('$')
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                digits.parse().ok()
            })
            .collect();
        found.sort();
        found.dedup();
        found
    }

    #[test]
    fn statements_use_the_parameters_they_document() {
        assert_eq!(placeholders(LIST_VEHICLES), Vec::<u32>::new());
        assert_eq!(placeholders(GET_VEHICLE), [1]);
        assert_eq!(placeholders(AVAILABLE_VEHICLES), [1]);
        assert_eq!(placeholders(INSERT_INTERVENTION), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(placeholders(ASSIGN), [1, 2]);
        assert_eq!(placeholders(ASSIGN_DIAGNOSIS), [1, 2]);
        assert_eq!(placeholders(COMPLETE), [1]);
        assert_eq!(placeholders(UPDATE_VEHICLE_STATUS), [1, 2, 3, 4]);
    }

    #[test]
    fn selects_have_the_documented_column_counts() {
        // Top-level commas of a select list, ignoring those inside parentheses.
        fn columns(list: &str) -> usize {
            let mut depth = 0;
            1 + list
                .chars()
                .filter(|c| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    *c == ',' && depth == 0
                })
                .count()
        }
        assert_eq!(columns(vehicle_select!("v")), VEHICLE_COLUMNS);
        assert_eq!(columns(intervention_select!("i")), INTERVENTION_COLUMNS);
    }
}
