-- Air quality (the `air-quality` SOAP component): the city's zones and pollutant measures.
--
-- `zones` is the city's reference list of zones, shared by every service by id: the 20 Paris
-- arrondissements `paris-01` .. `paris-20` (tourism, emergency and traffic refer to them by
-- these ids). Centroids are the arrondissements' geometric centres (Paris Open Data
-- "arrondissements"; the 12e and 16e include the Bois de Vincennes and de Boulogne).
--
-- Measure units (as the seed UI showed them): pm25, pm10 (24-hour means), o3 (8-hour mean) and
-- no2 (1-hour mean) in µg/m³; co (8-hour mean) in mg/m³. `aqi`, `category` and
-- `dominant_pollutant` are computed by air-quality-model (US EPA tables of May 2024), never
-- taken from a client; the CHECKs keep them within what that computation can produce.

CREATE TABLE zones (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name       text NOT NULL CHECK (name = btrim(name) AND char_length(name) BETWEEN 1 AND 100),
    latitude   double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude  double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180)
);

CREATE TABLE air_measures (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_id             text NOT NULL REFERENCES zones (id),
    pm25                double precision NOT NULL CHECK (pm25 >= 0 AND pm25 <= 10000),
    pm10                double precision NOT NULL CHECK (pm10 >= 0 AND pm10 <= 10000),
    o3                  double precision NOT NULL CHECK (o3 >= 0 AND o3 <= 10000),
    no2                 double precision NOT NULL CHECK (no2 >= 0 AND no2 <= 10000),
    co                  double precision NOT NULL CHECK (co >= 0 AND co <= 1000),
    measured_at         timestamptz NOT NULL,
    aqi                 integer NOT NULL CHECK (aqi BETWEEN 0 AND 500),
    category            text NOT NULL CHECK (category IN ('Good', 'Moderate',
                            'Unhealthy for Sensitive Groups', 'Unhealthy', 'Very Unhealthy', 'Hazardous')),
    dominant_pollutant  text NOT NULL CHECK (dominant_pollutant IN ('pm25', 'pm10', 'o3', 'no2', 'co')),
    status              text NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'validated', 'invalid')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Latest-first reads, overall and per zone.
CREATE INDEX air_measures_latest_idx ON air_measures (measured_at DESC, id DESC);
CREATE INDEX air_measures_zone_latest_idx ON air_measures (zone_id, measured_at DESC, id DESC);

-- Seed. The latest measure of each zone (2026-11-21 07:00 UTC) gives these AQIs (PM2.5
-- dominant except ozone in the 16e): 88 84 80 86 82 76 78 122 95 130 92 85 90 84 80 67 110
-- 104 97 90 — mean 91.0, four zones above 100 (8e, 10e, 17e, 18e), as the design's city
-- dashboard expects (average ≈ 91, some zones above 100). Four zones also have an older
-- measure from the day before, so "latest first" is visible.
INSERT INTO zones (id, name, latitude, longitude) VALUES
    ('paris-01', 'Louvre (1er)', 48.8625627, 2.3364433),
    ('paris-02', 'Bourse (2e)', 48.8682792, 2.3428041),
    ('paris-03', 'Temple (3e)', 48.8628598, 2.3600009),
    ('paris-04', 'Hôtel-de-Ville (4e)', 48.8543435, 2.357621),
    ('paris-05', 'Panthéon (5e)', 48.8444306, 2.3507146),
    ('paris-06', 'Luxembourg (6e)', 48.8491303, 2.332818),
    ('paris-07', 'Palais-Bourbon (7e)', 48.8561744, 2.3121776),
    ('paris-08', 'Élysée (8e)', 48.8727209, 2.3125398),
    ('paris-09', 'Opéra (9e)', 48.8771635, 2.3374939),
    ('paris-10', 'Entrepôt (10e)', 48.876193, 2.36073),
    ('paris-11', 'Popincourt (11e)', 48.8590592, 2.3800583),
    ('paris-12', 'Reuilly (12e)', 48.8349743, 2.421328),
    ('paris-13', 'Gobelins (13e)', 48.828388, 2.362227),
    ('paris-14', 'Observatoire (14e)', 48.8292445, 2.326542),
    ('paris-15', 'Vaugirard (15e)', 48.8400853, 2.2928258),
    ('paris-16', 'Passy (16e)', 48.8603921, 2.2620794),
    ('paris-17', 'Batignolles-Monceau (17e)', 48.8873265, 2.306746),
    ('paris-18', 'Buttes-Montmartre (18e)', 48.892562, 2.3481605),
    ('paris-19', 'Buttes-Chaumont (19e)', 48.887071, 2.384799),
    ('paris-20', 'Ménilmontant (20e)', 48.8634605, 2.4011881);

INSERT INTO air_measures (zone_id, pm25, pm10, o3, no2, co, measured_at, aqi, category, dominant_pollutant, status) VALUES
    ('paris-01', 21.4, 35, 58.0, 41, 0.48, '2026-11-20T07:00:00Z', 74, 'Moderate', 'pm25', 'validated'),
    ('paris-08', 30.2, 49, 60.0, 62, 0.7, '2026-11-20T07:00:00Z', 90, 'Moderate', 'pm25', 'validated'),
    ('paris-10', 35.0, 57, 52.0, 66, 0.8, '2026-11-20T07:00:00Z', 99, 'Moderate', 'pm25', 'validated'),
    ('paris-17', 26.0, 42, 64.0, 55, 0.6, '2026-11-20T07:00:00Z', 82, 'Moderate', 'pm25', 'validated'),
    ('paris-01', 28.7, 46, 66.3, 54, 0.63, '2026-11-21T07:00:00Z', 88, 'Moderate', 'pm25', 'validated'),
    ('paris-02', 26.6, 43, 68.4, 52, 0.6, '2026-11-21T07:00:00Z', 84, 'Moderate', 'pm25', 'validated'),
    ('paris-03', 24.4, 39, 70.6, 49, 0.57, '2026-11-21T07:00:00Z', 80, 'Moderate', 'pm25', 'validated'),
    ('paris-04', 27.7, 44, 67.3, 53, 0.62, '2026-11-21T07:00:00Z', 86, 'Moderate', 'pm25', 'validated'),
    ('paris-05', 25.5, 41, 69.5, 51, 0.58, '2026-11-21T07:00:00Z', 82, 'Moderate', 'pm25', 'validated'),
    ('paris-06', 22.3, 36, 72.7, 47, 0.53, '2026-11-21T07:00:00Z', 76, 'Moderate', 'pm25', 'validated'),
    ('paris-07', 23.4, 37, 71.6, 48, 0.55, '2026-11-21T07:00:00Z', 78, 'Moderate', 'pm25', 'validated'),
    ('paris-08', 43.9, 70, 51.1, 73, 0.86, '2026-11-21T07:00:00Z', 122, 'Unhealthy for Sensitive Groups', 'pm25', 'validated'),
    ('paris-09', 32.5, 52, 62.5, 59, 0.69, '2026-11-21T07:00:00Z', 95, 'Moderate', 'pm25', 'validated'),
    ('paris-10', 47.1, 75, 47.9, 77, 0.91, '2026-11-21T07:00:00Z', 130, 'Unhealthy for Sensitive Groups', 'pm25', 'validated'),
    ('paris-11', 30.9, 49, 64.1, 57, 0.66, '2026-11-21T07:00:00Z', 92, 'Moderate', 'pm25', 'validated'),
    ('paris-12', 27.1, 43, 67.9, 53, 0.61, '2026-11-21T07:00:00Z', 85, 'Moderate', 'pm25', 'validated'),
    ('paris-13', 29.8, 48, 65.2, 56, 0.65, '2026-11-21T07:00:00Z', 90, 'Moderate', 'pm25', 'validated'),
    ('paris-14', 26.6, 43, 68.4, 52, 0.6, '2026-11-21T07:00:00Z', 84, 'Moderate', 'pm25', 'validated'),
    ('paris-15', 24.4, 39, 70.6, 49, 0.57, '2026-11-21T07:00:00Z', 80, 'Moderate', 'pm25', 'validated'),
    ('paris-16', 11.5, 20.0, 118.0, 22.0, 0.3, '2026-11-21T07:00:00Z', 67, 'Moderate', 'o3', 'validated'),
    ('paris-17', 39.0, 62, 56.0, 67, 0.78, '2026-11-21T07:00:00Z', 110, 'Unhealthy for Sensitive Groups', 'pm25', 'validated'),
    ('paris-18', 36.6, 59, 58.4, 64, 0.75, '2026-11-21T07:00:00Z', 104, 'Unhealthy for Sensitive Groups', 'pm25', 'validated'),
    ('paris-19', 33.6, 54, 61.4, 60, 0.7, '2026-11-21T07:00:00Z', 97, 'Moderate', 'pm25', 'validated'),
    ('paris-20', 29.8, 48, 65.2, 56, 0.65, '2026-11-21T07:00:00Z', 90, 'Moderate', 'pm25', 'validated');
