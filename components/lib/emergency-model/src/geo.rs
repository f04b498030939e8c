//! Distances on the Earth and the nearest available vehicle, for dispatch suggestions.

use crate::pb::Vehicle;

/// Mean Earth radius (IUGG), kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance between two points given in degrees (haversine formula).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// The closest vehicle whose status is `available` (of `vehicle_type` when given), with its
/// distance in km; ties go to the lower id so the answer is stable.
pub fn nearest_available<'a>(
    vehicles: &'a [Vehicle],
    latitude: f64,
    longitude: f64,
    vehicle_type: Option<&str>,
) -> Option<(&'a Vehicle, f64)> {
    vehicles
        .iter()
        .filter(|v| v.status == "available")
        .filter(|v| vehicle_type.is_none_or(|t| v.vehicle_type == t))
        .map(|v| (v, haversine_km(latitude, longitude, v.latitude, v.longitude)))
        .min_by(|(a, da), (b, db)| da.total_cmp(db).then(a.id.cmp(&b.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vehicle(id: i32, vehicle_type: &str, status: &str, latitude: f64, longitude: f64) -> Vehicle {
        Vehicle {
            id,
            vehicle_type: vehicle_type.into(),
            status: status.into(),
            latitude,
            longitude,
            ..Default::default()
        }
    }

    #[test]
    fn known_distances() {
        assert_eq!(haversine_km(48.8566, 2.3522, 48.8566, 2.3522), 0.0);
        // Paris (Notre-Dame) to London (Charing Cross): about 343.5 km.
        let paris_london = haversine_km(48.8530, 2.3499, 51.5073, -0.1276);
        assert!((paris_london - 343.5).abs() < 1.0, "{paris_london}");
        // A quarter of a meridian.
        let quarter = haversine_km(0.0, 0.0, 90.0, 0.0);
        assert!((quarter - 10_007.5).abs() < 1.0, "{quarter}");
        // Antipodes do not produce NaN.
        assert!(haversine_km(0.0, 0.0, 0.0, 180.0).is_finite());
    }

    #[test]
    fn nearest_skips_busy_vehicles_and_other_types() {
        let fleet = [
            vehicle(1, "ambulance", "on_mission", 48.8556, 2.3594),
            vehicle(2, "ambulance", "available", 48.8404, 2.3418),
            vehicle(3, "fire_truck", "available", 48.8567, 2.3631),
            vehicle(4, "ambulance", "available", 48.8925, 2.3444),
        ];
        let (best, km) = nearest_available(&fleet, 48.8556, 2.3594, Some("ambulance")).unwrap();
        assert_eq!(best.id, 2);
        assert!(km > 1.0 && km < 3.0, "{km}");
        let (any, _) = nearest_available(&fleet, 48.8556, 2.3594, None).unwrap();
        assert_eq!(any.id, 3);
        assert!(nearest_available(&fleet, 48.85, 2.35, Some("police_car")).is_none());
    }

    #[test]
    fn ties_go_to_the_lower_id() {
        let fleet = [vehicle(9, "ambulance", "available", 48.0, 2.0), vehicle(5, "ambulance", "available", 48.0, 2.0)];
        assert_eq!(nearest_available(&fleet, 48.1, 2.1, None).unwrap().0.id, 5);
    }
}
