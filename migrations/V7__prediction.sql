-- Prediction and rerouting (issue 9), on top of V6's predictions/reroutes tables.

-- Accuracy: once a prediction's horizon has passed, the predictor stores the score observed
-- in the 5-minute bucket containing ts + horizon (same model formula). evaluated_at marks it
-- done even when the road did not report (observed_score stays NULL then).
ALTER TABLE predictions
    ADD COLUMN observed_score double precision CHECK (observed_score BETWEEN 0 AND 1),
    ADD COLUMN evaluated_at   timestamptz;

-- The predictor looks for predictions still to evaluate, oldest first.
CREATE INDEX predictions_unevaluated_idx ON predictions (ts, id) WHERE evaluated_at IS NULL;

-- Mean absolute error of the predictions evaluated in one cycle, per model and horizon.
CREATE TABLE prediction_accuracy (
    id             bigserial PRIMARY KEY,
    evaluated_at   timestamptz NOT NULL,
    model_version  text NOT NULL,
    horizon_min    integer NOT NULL CHECK (horizon_min > 0),
    predictions    integer NOT NULL CHECK (predictions > 0),
    mean_abs_error double precision NOT NULL CHECK (mean_abs_error BETWEEN 0 AND 1)
);

CREATE INDEX prediction_accuracy_model_idx ON prediction_accuracy (model_version, horizon_min, evaluated_at DESC);

-- All-time accuracy per model and horizon: `SELECT * FROM prediction_accuracy_summary`.
CREATE VIEW prediction_accuracy_summary AS
SELECT model_version, horizon_min,
       sum(predictions)::bigint AS predictions,
       sum(predictions * mean_abs_error) / sum(predictions) AS mean_abs_error,
       min(evaluated_at) AS first_evaluated_at,
       max(evaluated_at) AS last_evaluated_at
FROM prediction_accuracy
GROUP BY model_version, horizon_min;

-- 5-minute averages of traffic_raw per road, rolled up by the predictor each cycle (only the
-- buckets since its previous cycle are recomputed, so a cycle reads minutes of readings, not
-- the whole window) and kept for the capacity window. The predictor, the capacity refresh and
-- the accuracy check read these instead of the raw readings.
CREATE TABLE traffic_buckets (
    road_id       text NOT NULL,
    bucket        timestamptz NOT NULL,
    speed_kmh     double precision NOT NULL,
    occupancy     double precision NOT NULL,
    flow_rate     double precision NOT NULL,
    readings      integer NOT NULL CHECK (readings > 0),
    PRIMARY KEY (road_id, bucket)
);

CREATE INDEX traffic_buckets_bucket_idx ON traffic_buckets (bucket);

-- Each road's practical capacity: 95th percentiles of its 5-minute average flow and speed
-- over a long window (ewma-lr-v3 normalises by them), refreshed hourly by the predictor in
-- bounded batches.
CREATE TABLE road_capacity (
    road_id       text PRIMARY KEY,
    flow_p95      double precision CHECK (flow_p95 >= 0),
    speed_p95_kmh double precision CHECK (speed_p95_kmh >= 0),
    samples       bigint NOT NULL CHECK (samples >= 0),
    computed_at   timestamptz NOT NULL
);

CREATE INDEX road_capacity_computed_idx ON road_capacity (computed_at);

-- Reroutes: which prediction they answer and the alternative path itself. alt_route_id (V6)
-- holds the path's road ids joined with '>', unique per congested road and cycle.
ALTER TABLE reroutes
    ADD COLUMN horizon_min        integer CHECK (horizon_min > 0),
    ADD COLUMN congestion_score   double precision CHECK (congestion_score BETWEEN 0 AND 1),
    ADD COLUMN alt_path           text[],
    ADD COLUMN alt_length_m       double precision CHECK (alt_length_m > 0),
    ADD COLUMN alt_travel_min     double precision CHECK (alt_travel_min >= 0),
    ADD COLUMN route_travel_min   double precision CHECK (route_travel_min >= 0);
