//! CityFlow air quality: Paris zones and pollutant measures, the US EPA AQI computed from the
//! concentrations, and the SOAP 1.1 protocol (envelope reader, writers, WSDL) the
//! `air-quality` component speaks. Pure Rust: compiles natively (with its tests) and for wasm.

pub mod aqi;
pub mod measure;
pub mod soap;
pub mod sql;
pub mod timestamp;
pub mod units;

pub use aqi::{Aqi, Category, Pollutant};
pub use measure::{aqi_of, InvalidInput, Measure, MeasureInput, Status, Zone};

/// The route the component is mounted at.
pub const MOUNT: &str = "/air-quality";
