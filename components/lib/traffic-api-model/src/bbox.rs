//! `bbox=minLng,minLat,maxLng,maxLat` (the GeoJSON / RFC 7946 order).

/// A longitude/latitude box; boxes across the antimeridian are not supported (a city never
/// straddles it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lng: f64,
    pub min_lat: f64,
    pub max_lng: f64,
    pub max_lat: f64,
}

impl BBox {
    /// Parses the parameter's value; the error completes "query parameter `bbox` ...".
    pub fn parse(raw: &str) -> Result<BBox, String> {
        let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err("must be four numbers: minLng,minLat,maxLng,maxLat".to_string());
        }
        let mut values = [0.0; 4];
        for (value, part) in values.iter_mut().zip(&parts) {
            *value = part
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("has {part:?} where a number is due (minLng,minLat,maxLng,maxLat)"))?;
        }
        let [min_lng, min_lat, max_lng, max_lat] = values;
        if !(-180.0..=180.0).contains(&min_lng) || !(-180.0..=180.0).contains(&max_lng) {
            return Err("longitudes must be between -180 and 180".to_string());
        }
        if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
            return Err("latitudes must be between -90 and 90".to_string());
        }
        if min_lng > max_lng || min_lat > max_lat {
            return Err("must have minLng <= maxLng and minLat <= maxLat".to_string());
        }
        Ok(BBox { min_lng, min_lat, max_lng, max_lat })
    }

    /// The canonical text (cache keys).
    pub fn canonical(&self) -> String {
        format!("{},{},{},{}", self.min_lng, self.min_lat, self.max_lng, self.max_lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paris() {
        let b = BBox::parse("2.25, 48.81,2.42,48.91").unwrap();
        assert_eq!(b, BBox { min_lng: 2.25, min_lat: 48.81, max_lng: 2.42, max_lat: 48.91 });
        assert_eq!(b.canonical(), "2.25,48.81,2.42,48.91");
        assert!(BBox::parse("2,48,2,48").is_ok(), "a degenerate box is a point query");
    }

    #[test]
    fn refuses_malformed_boxes() {
        for raw in ["", "1,2,3", "1,2,3,4,5", "a,48,2,49", "2,48,NaN,49", "2,48,inf,49", "181,0,182,1", "0,-91,1,0", "3,48,2,49", "2,49,3,48"] {
            assert!(BBox::parse(raw).is_err(), "{raw}");
        }
    }
}
