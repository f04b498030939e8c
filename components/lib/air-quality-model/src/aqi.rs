//! The US EPA Air Quality Index (AQI) from pollutant concentrations.
//!
//! Tables: EPA, *Technical Assistance Document for the Reporting of Daily Air Quality – the Air
//! Quality Index (AQI)*, EPA-454/B-24-002, May 2024. That edition carries the PM2.5 revision
//! of 7 Feb 2024 (annual NAAQS lowered to 9.0 µg/m³, so "Good" now ends at 9.0 and the top
//! category starts at 225.5) and merges the two Hazardous rows into one 301–500 row for every
//! pollutant. It is the table EPA and AirNow report with since 6 May 2024.
//!
//! Each pollutant's concentration (already in the table's unit, see [`crate::units`]) is first
//! truncated as the document specifies (PM2.5 and CO to 0.1, PM10 and NO2 to an integer, O3
//! to 0.001 ppm), then mapped by linear interpolation inside its row:
//! `I = (I_hi − I_lo) / (C_hi − C_lo) · (C − C_lo) + I_lo`, rounded to the nearest integer.
//! The AQI is the highest sub-index; its pollutant is the dominant one.
//!
//! Above a table's last breakpoint EPA speaks of "beyond the AQI": the sub-index is 500.
//! Ozone: the document's 8-hour table stops at 0.200 ppm and says that AQI values of 301 and
//! more come from 1-hour ozone. A measure carries one 8-hour figure, so above 0.200 ppm the
//! ozone sub-index is Hazardous: 301, or the 1-hour row 0.405–0.604 ppm → 301–500 once the
//! 8-hour figure alone reaches it (a 1-hour peak is never below the 8-hour mean, so this never
//! overstates). The sub-index stays monotonic in the concentration.

use std::fmt;

/// One row of a breakpoint table: concentrations `c_lo..=c_hi` map onto `i_lo..=i_hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakpoint {
    pub c_lo: f64,
    pub c_hi: f64,
    pub i_lo: u16,
    pub i_hi: u16,
}

const fn bp(c_lo: f64, c_hi: f64, i_lo: u16, i_hi: u16) -> Breakpoint {
    Breakpoint { c_lo, c_hi, i_lo, i_hi }
}

/// PM2.5, 24-hour mean, µg/m³, truncated to 0.1 (2024 revision).
pub const PM25: [Breakpoint; 6] = [
    bp(0.0, 9.0, 0, 50),
    bp(9.1, 35.4, 51, 100),
    bp(35.5, 55.4, 101, 150),
    bp(55.5, 125.4, 151, 200),
    bp(125.5, 225.4, 201, 300),
    bp(225.5, 325.4, 301, 500),
];

/// PM10, 24-hour mean, µg/m³, truncated to an integer.
pub const PM10: [Breakpoint; 6] = [
    bp(0.0, 54.0, 0, 50),
    bp(55.0, 154.0, 51, 100),
    bp(155.0, 254.0, 101, 150),
    bp(255.0, 354.0, 151, 200),
    bp(355.0, 424.0, 201, 300),
    bp(425.0, 604.0, 301, 500),
];

/// O3, 8-hour mean, ppm, truncated to 0.001 (see the module note above 0.200 ppm).
pub const O3_8H: [Breakpoint; 5] = [
    bp(0.000, 0.054, 0, 50),
    bp(0.055, 0.070, 51, 100),
    bp(0.071, 0.085, 101, 150),
    bp(0.086, 0.105, 151, 200),
    bp(0.106, 0.200, 201, 300),
];

/// The Hazardous row of the 1-hour O3 table, ppm.
pub const O3_1H_HAZARDOUS: Breakpoint = bp(0.405, 0.604, 301, 500);

/// NO2, 1-hour mean, ppb, truncated to an integer.
pub const NO2: [Breakpoint; 6] = [
    bp(0.0, 53.0, 0, 50),
    bp(54.0, 100.0, 51, 100),
    bp(101.0, 360.0, 101, 150),
    bp(361.0, 649.0, 151, 200),
    bp(650.0, 1249.0, 201, 300),
    bp(1250.0, 2049.0, 301, 500),
];

/// CO, 8-hour mean, ppm, truncated to 0.1.
pub const CO: [Breakpoint; 6] = [
    bp(0.0, 4.4, 0, 50),
    bp(4.5, 9.4, 51, 100),
    bp(9.5, 12.4, 101, 150),
    bp(12.5, 15.4, 151, 200),
    bp(15.5, 30.4, 201, 300),
    bp(30.5, 50.4, 301, 500),
];

/// The highest index value; concentrations beyond a table are reported as this.
pub const AQI_MAX: u16 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pollutant {
    Pm25,
    Pm10,
    O3,
    No2,
    Co,
}

impl Pollutant {
    pub const ALL: [Pollutant; 5] = [Self::Pm25, Self::Pm10, Self::O3, Self::No2, Self::Co];

    /// The name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pm25 => "pm25",
            Self::Pm10 => "pm10",
            Self::O3 => "o3",
            Self::No2 => "no2",
            Self::Co => "co",
        }
    }

    /// Truncation the EPA document prescribes before the table look-up, in the table unit.
    fn truncate(self, c: f64) -> f64 {
        // The small epsilon absorbs binary noise (e.g. 35.4 stored as 35.39999…) so a value
        // that *is* a breakpoint is not truncated one step below it.
        let step = |decimals: i32| {
            let scale = 10f64.powi(decimals);
            ((c * scale) + 1e-9).floor() / scale
        };
        match self {
            Self::Pm25 | Self::Co => step(1),
            Self::Pm10 | Self::No2 => step(0),
            Self::O3 => step(3),
        }
    }

    /// Sub-index of a concentration in the table unit (µg/m³ for PM, ppm for O3 and CO,
    /// ppb for NO2). `None` for a negative or non-finite value.
    pub fn sub_index(self, concentration: f64) -> Option<u16> {
        if !concentration.is_finite() || concentration < 0.0 {
            return None;
        }
        let c = self.truncate(concentration);
        let table: &[Breakpoint] = match self {
            Self::Pm25 => &PM25,
            Self::Pm10 => &PM10,
            Self::O3 => &O3_8H,
            Self::No2 => &NO2,
            Self::Co => &CO,
        };
        if let Some(index) = interpolate(table, c) {
            return Some(index);
        }
        let last = table[table.len() - 1];
        if self == Self::O3 && c > last.c_hi {
            return Some(interpolate(&[O3_1H_HAZARDOUS], c).unwrap_or(if c > O3_1H_HAZARDOUS.c_hi {
                AQI_MAX
            } else {
                O3_1H_HAZARDOUS.i_lo
            }));
        }
        // Truncated values fall in a row or above the last one; beyond the index is 500.
        Some(AQI_MAX)
    }
}

impl fmt::Display for Pollutant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Linear interpolation in the row holding `c`, rounded half up as EPA rounds.
fn interpolate(table: &[Breakpoint], c: f64) -> Option<u16> {
    // Rows are closed intervals on the truncated grid; a tolerance keeps 9.0 in the first row
    // whatever binary value 9.0 became after truncation.
    const TOL: f64 = 1e-9;
    let row = table.iter().find(|r| c >= r.c_lo - TOL && c <= r.c_hi + TOL)?;
    let (i_lo, i_hi) = (f64::from(row.i_lo), f64::from(row.i_hi));
    let index = (i_hi - i_lo) / (row.c_hi - row.c_lo) * (c - row.c_lo) + i_lo;
    Some((index + 0.5 + TOL).floor().clamp(i_lo, i_hi) as u16)
}

/// The AQI category of an index value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Good,
    Moderate,
    UnhealthyForSensitiveGroups,
    Unhealthy,
    VeryUnhealthy,
    Hazardous,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Self::Good,
        Self::Moderate,
        Self::UnhealthyForSensitiveGroups,
        Self::Unhealthy,
        Self::VeryUnhealthy,
        Self::Hazardous,
    ];

    pub fn of(aqi: u16) -> Category {
        match aqi {
            0..=50 => Self::Good,
            51..=100 => Self::Moderate,
            101..=150 => Self::UnhealthyForSensitiveGroups,
            151..=200 => Self::Unhealthy,
            201..=300 => Self::VeryUnhealthy,
            _ => Self::Hazardous,
        }
    }

    /// EPA's English name, stored and sent as is.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "Good",
            Self::Moderate => "Moderate",
            Self::UnhealthyForSensitiveGroups => "Unhealthy for Sensitive Groups",
            Self::Unhealthy => "Unhealthy",
            Self::VeryUnhealthy => "Very Unhealthy",
            Self::Hazardous => "Hazardous",
        }
    }

    /// The French label the dashboard shows (the seed UI's wording for the first three).
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Good => "Bon",
            Self::Moderate => "Modéré",
            Self::UnhealthyForSensitiveGroups => "Mauvais pour les groupes sensibles",
            Self::Unhealthy => "Mauvais",
            Self::VeryUnhealthy => "Très mauvais",
            Self::Hazardous => "Dangereux",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Concentrations in the EPA table units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableConcentrations {
    pub pm25_ugm3: f64,
    pub pm10_ugm3: f64,
    pub o3_ppm: f64,
    pub no2_ppb: f64,
    pub co_ppm: f64,
}

/// The overall index, its category and the pollutant that sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aqi {
    pub value: u16,
    pub category: Category,
    pub dominant: Pollutant,
}

impl TableConcentrations {
    /// `None` when any concentration is negative or not finite.
    pub fn aqi(&self) -> Option<Aqi> {
        let pairs = [
            (Pollutant::Pm25, self.pm25_ugm3),
            (Pollutant::Pm10, self.pm10_ugm3),
            (Pollutant::O3, self.o3_ppm),
            (Pollutant::No2, self.no2_ppb),
            (Pollutant::Co, self.co_ppm),
        ];
        let mut best: Option<(u16, Pollutant)> = None;
        for (pollutant, c) in pairs {
            let index = pollutant.sub_index(c)?;
            // Strictly greater: on a tie the first pollutant in table order (PM2.5 first) wins.
            if best.is_none_or(|(b, _)| index > b) {
                best = Some((index, pollutant));
            }
        }
        let (value, dominant) = best?;
        Some(Aqi { value, category: Category::of(value), dominant })
    }
}

#[cfg(test)]
#[path = "aqi_tests.rs"]
mod tests;
