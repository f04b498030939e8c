//! Postgres: the graph in one query, the reroutes in one statement (`routing_model::sql`).

use routing_model::speed::DEFAULT_FREE_FLOW_KMH;
use routing_model::{sql, Arc, Reroute};
use spin_sdk::pg4::{Connection, Decode, DbValue, ParameterValue};

pub struct Db(Connection);

fn get<T: Decode>(row: &[DbValue], i: usize, what: &str) -> Result<T, String> {
    row.get(i).ok_or_else(|| format!("{what}: missing column {i}")).and_then(|v| T::decode(v).map_err(|e| format!("{what}: column {i}: {e}")))
}

impl Db {
    pub fn open() -> Result<Db, String> {
        let url = spin_kit::variable("db_url")?;
        Connection::open(&url).map(Db).map_err(|e| format!("cannot connect to the database: {e:?}"))
    }

    pub fn graph(&self, horizon_min: i32, oldest_usable: &str) -> Result<Vec<Arc>, String> {
        let params = [ParameterValue::Int32(horizon_min), ParameterValue::Str(oldest_usable.to_string()), ParameterValue::Floating64(DEFAULT_FREE_FLOW_KMH)];
        let rows = self.0.query(sql::GRAPH, &params).map_err(|e| format!("graph query failed: {e:?}"))?;
        rows.rows
            .iter()
            .map(|r| {
                Ok(Arc {
                    road_id: get(r, 0, "graph")?,
                    from_node: get(r, 1, "graph")?,
                    to_node: get(r, 2, "graph")?,
                    length_m: get(r, 3, "graph")?,
                    free_flow_kmh: get(r, 4, "graph")?,
                    score: get(r, 5, "graph")?,
                })
            })
            .collect()
    }

    pub fn insert_reroutes(&self, ts: &str, horizon_min: i32, reroutes: &[Reroute]) -> Result<u64, String> {
        let mut params = vec![ParameterValue::Str(ts.to_string()), ParameterValue::Int32(horizon_min)];
        params.extend(sql::insert_columns(reroutes).into_iter().map(ParameterValue::ArrayStr));
        let rows = self.0.query(sql::INSERT_REROUTES, &params).map_err(|e| format!("storing reroutes failed: {e:?}"))?;
        let row = rows.rows.first().ok_or("storing reroutes: no row")?;
        let n: i64 = get(row, 0, "storing reroutes")?;
        u64::try_from(n).map_err(|_| "storing reroutes: negative count".to_string())
    }
}
