//! Unit conversions from what CityFlow stores (the seed UI's units: µg/m³ for PM2.5, PM10, O3
//! and NO2; mg/m³ for CO) to the units of EPA's tables (ppm for O3 and CO, ppb for NO2).
//!
//! Gas volume ratio from mass concentration at 25 °C and 1 atm, EPA's reference conditions:
//! `ppb = µg/m³ × 24.45 / M` (24.45 L/mol is the molar volume there, M the molar mass in g/mol);
//! the same formula turns mg/m³ into ppm.

/// Molar volume of an ideal gas at 25 °C and 101.325 kPa, L/mol.
pub const MOLAR_VOLUME_25C: f64 = 24.45;
/// Molar masses, g/mol.
pub const M_O3: f64 = 48.00;
pub const M_NO2: f64 = 46.01;
pub const M_CO: f64 = 28.01;

pub fn o3_ugm3_to_ppm(ugm3: f64) -> f64 {
    ugm3 * MOLAR_VOLUME_25C / M_O3 / 1000.0
}

pub fn no2_ugm3_to_ppb(ugm3: f64) -> f64 {
    ugm3 * MOLAR_VOLUME_25C / M_NO2
}

pub fn co_mgm3_to_ppm(mgm3: f64) -> f64 {
    mgm3 * MOLAR_VOLUME_25C / M_CO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_conversions() {
        // WHO/EU factors at 25 °C: 1 ppb O3 = 1.96 µg/m³, NO2 = 1.88 µg/m³, 1 ppm CO = 1.145 mg/m³.
        assert!((o3_ugm3_to_ppm(196.3) - 0.100).abs() < 0.0005);
        assert!((no2_ugm3_to_ppb(188.2) - 100.0).abs() < 0.1);
        assert!((co_mgm3_to_ppm(1.1456) - 1.0).abs() < 0.001);
    }
}
