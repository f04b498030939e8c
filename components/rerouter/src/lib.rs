//! The rerouter component: one rerouting cycle (`job::run`) over the road graph, started by
//! the cron trigger (`handle-cron-event`, every minute in spin.toml) or, on clusters without
//! cron, by `POST /jobs/reroute` with an operator token. Both entries run the same code.

mod config;
mod db;
mod job;
mod publish;

spin_sdk::wit_bindgen::generate!({
    world: "spin-cron",
    path: "../../wit/cron",
    runtime_path: "::spin_sdk::wit_bindgen::rt",
});

struct Rerouter;

impl Guest for Rerouter {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let now = i64::try_from(metadata.timestamp).map_err(|_| Error::Other("cron timestamp out of range".into()))?;
        spin_kit::job::run_logged("rerouter", now, job::run).map(|_| ()).map_err(Error::Other)
    }
}

export!(Rerouter);

#[spin_sdk::http_component]
fn handle(req: spin_sdk::http::Request) -> spin_sdk::http::Response {
    spin_kit::job::handle_http(&req, "rerouter", "reroute", job::run)
}
