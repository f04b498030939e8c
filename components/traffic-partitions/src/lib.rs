//! The traffic partitions job: keeps `traffic_raw`'s daily partitions created ahead of time
//! and drops those past retention (`traffic_model::partitions`), started by the cron trigger
//! (daily in spin.toml) or, on clusters without cron, by `POST /jobs/partitions` with an
//! operator token. Both entries run the same code. Without it every reading still lands,
//! in the DEFAULT partition, but nothing is ever dropped.

use spin_sdk::pg4::{Connection, Decode, ParameterValue};
use traffic_model::partitions::{Settings, Upkeep, DROP, ENSURE};

spin_sdk::wit_bindgen::generate!({
    world: "spin-cron",
    path: "../../wit/cron",
    runtime_path: "::spin_sdk::wit_bindgen::rt",
});

struct TrafficPartitions;

impl Guest for TrafficPartitions {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let now = i64::try_from(metadata.timestamp).map_err(|_| Error::Other("cron timestamp out of range".into()))?;
        spin_kit::job::run_logged("traffic-partitions", now, upkeep).map(|_| ()).map_err(Error::Other)
    }
}

export!(TrafficPartitions);

#[spin_sdk::http_component]
fn handle(req: spin_sdk::http::Request) -> spin_sdk::http::Response {
    spin_kit::job::handle_http(&req, "traffic-partitions", "partition upkeep", upkeep)
}

/// The cycle: the partition functions work in UTC days from the database's clock, so the
/// trigger's time is not needed.
fn upkeep(_now: i64) -> Result<Summary, String> {
    let settings = Settings::parse(
        spin_kit::optional_variable("partition_days_ahead").as_deref(),
        spin_kit::optional_variable("traffic_retention_days").as_deref(),
    )?;
    let url = spin_kit::variable("db_url")?;
    let db = Connection::open(&url).map_err(|e| format!("cannot connect to the database: {e:?}"))?;
    let count = |statement: &str, days: i32| -> Result<i32, String> {
        let rows = db.query(statement, &[ParameterValue::Int32(days)]).map_err(|e| format!("{statement}: {e:?}"))?;
        let value = rows.rows.first().and_then(|row| row.first()).ok_or_else(|| format!("{statement}: no result"))?;
        i32::decode(value).map_err(|e| format!("{statement}: {e:?}"))
    };
    Ok(Summary(Upkeep {
        partitions_created: count(ENSURE, settings.days_ahead)?,
        partitions_dropped: count(DROP, settings.retention_days)?,
        days_ahead: settings.days_ahead,
        retention_days: settings.retention_days,
    }))
}

/// `Upkeep` as a job summary (the trait lives in spin-kit, the type in traffic-model).
#[derive(serde::Serialize)]
#[serde(transparent)]
struct Summary(Upkeep);

impl spin_kit::job::Summary for Summary {
    fn log_line(&self) -> String {
        self.0.log_line()
    }
}
