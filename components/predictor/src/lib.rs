//! The predictor component: one prediction cycle for every road (`job::run`), started by the
//! cron trigger (`handle-cron-event`, every minute in spin.toml) or, on clusters without
//! cron, by `POST /jobs/predict` with an operator token. Both entries run the same code.

mod config;
mod db;
mod job;
mod publish;

spin_sdk::wit_bindgen::generate!({
    world: "spin-cron",
    path: "../../wit/cron",
    runtime_path: "::spin_sdk::wit_bindgen::rt",
});

struct Predictor;

impl Guest for Predictor {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let now = i64::try_from(metadata.timestamp).map_err(|_| Error::Other("cron timestamp out of range".into()))?;
        spin_kit::job::run_logged("predictor", now, job::run).map(|_| ()).map_err(Error::Other)
    }
}

export!(Predictor);

#[spin_sdk::http_component]
fn handle(req: spin_sdk::http::Request) -> spin_sdk::http::Response {
    spin_kit::job::handle_http(&req, "predictor", "prediction", job::run)
}
