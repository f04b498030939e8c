-- Live traffic: sensor readings (ingest), the road catalogue, predictions and reroutes.
-- PostgreSQL 15 without TimescaleDB: `traffic_raw` is natively partitioned by day.

-- Readings, one row per (ts, sensor_id). The CHECKs repeat traffic-model's validation so the
-- database refuses what the ingest component refuses, whoever writes.
CREATE TABLE traffic_raw (
    ts          timestamptz NOT NULL,
    sensor_id   text NOT NULL CHECK (char_length(sensor_id) BETWEEN 1 AND 64),
    road_id     text NOT NULL CHECK (char_length(road_id) BETWEEN 1 AND 64),
    speed_kmh   double precision NOT NULL CHECK (speed_kmh BETWEEN 0 AND 250),
    flow_rate   double precision NOT NULL CHECK (flow_rate BETWEEN 0 AND 20000),
    occupancy   double precision NOT NULL CHECK (occupancy BETWEEN 0 AND 1),
    -- A partitioned table's primary key must contain the partition key: (ts, sensor_id) does.
    PRIMARY KEY (ts, sensor_id)
) PARTITION BY RANGE (ts);

-- Per-road history, newest first (live view, predictor windows).
CREATE INDEX traffic_raw_road_ts_idx ON traffic_raw (road_id, ts DESC);

-- Catches any reading outside the daily partitions, so no row is ever refused for its date.
CREATE TABLE traffic_raw_default PARTITION OF traffic_raw DEFAULT;

-- Creates the daily partitions (UTC days, named traffic_raw_pYYYYMMDD) from `days_back`
-- days ago to `days_ahead` days ahead that do not exist yet; returns how many it created.
-- Rows already in the DEFAULT partition for such a day are moved into the new partition
-- first (attaching would fail otherwise). Idempotent; run it daily (e.g. with 7 days ahead).
CREATE FUNCTION cityflow_ensure_traffic_partitions(days_ahead int, days_back int DEFAULT 0)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    today   date := (now() AT TIME ZONE 'UTC')::date;
    day     date;
    lower_b timestamptz;
    upper_b timestamptz;
    part    text;
    created int := 0;
BEGIN
    IF days_ahead < 0 OR days_back < 0 OR days_ahead + days_back > 3660 THEN
        RAISE EXCEPTION 'days_ahead and days_back must be between 0 and 3660 in total (got %, %)',
            days_ahead, days_back;
    END IF;
    FOR day IN SELECT d::date FROM generate_series(today - days_back, today + days_ahead, interval '1 day') AS d
    LOOP
        part := 'traffic_raw_p' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(quote_ident(part)) IS NOT NULL;
        lower_b := day::timestamp AT TIME ZONE 'UTC';
        upper_b := (day + 1)::timestamp AT TIME ZONE 'UTC';
        -- No insert may land in DEFAULT for this day between the move and the attach.
        LOCK TABLE traffic_raw_default IN ACCESS EXCLUSIVE MODE;
        EXECUTE format('CREATE TABLE %I (LIKE traffic_raw INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
        EXECUTE format(
            'WITH moved AS (DELETE FROM traffic_raw_default WHERE ts >= $1 AND ts < $2 RETURNING *) '
            'INSERT INTO %I SELECT * FROM moved', part)
            USING lower_b, upper_b;
        EXECUTE format('ALTER TABLE traffic_raw ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       part, lower_b, upper_b);
        created := created + 1;
    END LOOP;
    RETURN created;
END;
$$;

-- Retention: drops the daily partitions whose whole day is more than `keep_days` days old and
-- deletes such rows from DEFAULT; returns how many partitions it dropped.
CREATE FUNCTION cityflow_drop_traffic_partitions(keep_days int)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    cutoff  timestamptz := ((now() AT TIME ZONE 'UTC')::date - keep_days)::timestamp AT TIME ZONE 'UTC';
    part    record;
    dropped int := 0;
BEGIN
    IF keep_days < 1 THEN
        RAISE EXCEPTION 'keep_days must be at least 1 (got %)', keep_days;
    END IF;
    FOR part IN
        SELECT c.relname
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'traffic_raw'::regclass AND c.relname ~ '^traffic_raw_p[0-9]{8}$'
    LOOP
        IF (to_date(substr(part.relname, 14), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff THEN
            EXECUTE format('DROP TABLE %I', part.relname);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    DELETE FROM traffic_raw_default WHERE ts < cutoff;
    RETURN dropped;
END;
$$;

-- A week back (late or replayed readings) and a week ahead.
SELECT cityflow_ensure_traffic_partitions(7, 7);

-- The road catalogue, upserted by ingest from the readings. A road is an arc between two
-- nodes (Paris Open Data's iu_nd_amont → iu_nd_aval), which the rerouter walks.
CREATE TABLE roads (
    road_id       text PRIMARY KEY CHECK (char_length(road_id) BETWEEN 1 AND 64),
    label         text NOT NULL DEFAULT '',
    lat           double precision CHECK (lat BETWEEN -90 AND 90),
    lng           double precision CHECK (lng BETWEEN -180 AND 180),
    from_node     text,
    to_node       text,
    length_m      double precision CHECK (length_m > 0),
    free_flow_kmh double precision CHECK (free_flow_kmh > 0),
    -- When the road's description last changed (not when it last reported).
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((lat IS NULL) = (lng IS NULL)),
    CHECK (from_node IS NULL OR to_node IS NULL OR from_node <> to_node)
);

CREATE INDEX roads_from_node_idx ON roads (from_node) WHERE from_node IS NOT NULL;
CREATE INDEX roads_to_node_idx ON roads (to_node) WHERE to_node IS NOT NULL;

-- Congestion predictions (predictor). `id` gives every row a total order, so (ts, id)
-- keyset paging never drops rows that share a timestamp (the seed paged by ts alone, and a
-- whole prediction cycle shares one ts). The unique key is the seed's upsert key.
CREATE TABLE predictions (
    id               bigserial PRIMARY KEY,
    ts               timestamptz NOT NULL,
    road_id          text NOT NULL,
    horizon_min      integer NOT NULL DEFAULT 30 CHECK (horizon_min > 0),
    congestion_score double precision NOT NULL CHECK (congestion_score BETWEEN 0 AND 1),
    confidence       double precision CHECK (confidence BETWEEN 0 AND 1),
    model_version    text NOT NULL,
    UNIQUE (ts, road_id, horizon_min)
);

CREATE INDEX predictions_ts_id_idx ON predictions (ts DESC, id DESC);
CREATE INDEX predictions_road_ts_id_idx ON predictions (road_id, ts DESC, id DESC);

-- Reroute recommendations (rerouter), paged the same way.
CREATE TABLE reroutes (
    id                 bigserial PRIMARY KEY,
    ts                 timestamptz NOT NULL,
    route_id           text NOT NULL,
    alt_route_id       text NOT NULL,
    reason             text NOT NULL,
    estimated_co2_gain double precision,
    eta_gain_min       double precision,
    UNIQUE (ts, route_id, alt_route_id)
);

CREATE INDEX reroutes_ts_id_idx ON reroutes (ts DESC, id DESC);
CREATE INDEX reroutes_route_ts_id_idx ON reroutes (route_id, ts DESC, id DESC);
