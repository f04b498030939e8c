-- Emergency vehicles and interventions served by the `emergency` component (gRPC
-- emergency.EmergencyService). The vocabularies mirror emergency-model's `vocab`; the CHECKs
-- make the database refuse anything the API would refuse, whoever writes to it.

CREATE TABLE vehicles (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vehicle_type  text NOT NULL CHECK (vehicle_type IN ('ambulance', 'fire_truck', 'police_car')),
    identifier    text NOT NULL UNIQUE
                  CHECK (identifier = btrim(identifier) AND char_length(identifier) BETWEEN 1 AND 50),
    status        text NOT NULL DEFAULT 'available'
                  CHECK (status IN ('available', 'on_mission', 'maintenance')),
    latitude      double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude     double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    station       text NOT NULL CHECK (char_length(station) <= 200),
    crew_size     integer NOT NULL DEFAULT 2 CHECK (crew_size BETWEEN 1 AND 12),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX vehicles_available_idx ON vehicles (vehicle_type) WHERE status = 'available';

-- `zone` is the city zone (a Paris arrondissement, `paris-01` .. `paris-20`) from the shared
-- `zones` table of V3; NULL when unknown.
CREATE TABLE interventions (
    id                   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    intervention_type    text NOT NULL CHECK (intervention_type IN ('medical', 'fire', 'crime', 'accident')),
    priority             text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    address              text NOT NULL
                         CHECK (address = btrim(address) AND char_length(address) BETWEEN 1 AND 300),
    latitude             double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude            double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    status               text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'in_progress', 'completed')),
    assigned_vehicle_id  integer REFERENCES vehicles (id),
    description          text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
    zone                 text REFERENCES zones (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    completed_at         timestamptz,
    -- In progress means a vehicle is on it; pending means none is yet.
    CHECK (status <> 'in_progress' OR assigned_vehicle_id IS NOT NULL),
    CHECK (status <> 'pending' OR assigned_vehicle_id IS NULL),
    CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

-- A vehicle works on one intervention at a time: a second guard behind AssignVehicle's
-- conditional update.
CREATE UNIQUE INDEX interventions_one_active_per_vehicle
    ON interventions (assigned_vehicle_id) WHERE status = 'in_progress';
CREATE INDEX interventions_active_idx ON interventions (status) WHERE status <> 'completed';

-- Seed (design target): 8 vehicles — 3 ambulances, 3 fire trucks, 2 police cars — 5 of them
-- available, at their real Paris stations; the two on a mission serve the two in-progress
-- interventions below.
INSERT INTO vehicles (vehicle_type, identifier, status, latitude, longitude, station, crew_size) VALUES
    ('ambulance',  'AMB-001',  'available',   48.8374, 2.3390, 'Hôpital Cochin',                 2),
    ('ambulance',  'AMB-002',  'on_mission',  48.8738, 2.3685, 'Hôpital Saint-Louis',            2),
    ('fire_truck', 'FIRE-001', 'available',   48.8567, 2.3631, 'Caserne Sévigné',                6),
    ('fire_truck', 'FIRE-002', 'maintenance', 48.8857, 2.2920, 'Caserne Champerret',             6),
    ('police_car', 'POL-001',  'available',   48.8925, 2.3444, 'Commissariat du 18e',            2),
    ('police_car', 'POL-002',  'on_mission',  48.8331, 2.3264, 'Commissariat du 14e',            2),
    ('ambulance',  'AMB-003',  'available',   48.8404, 2.3418, 'Hôpital d''instruction du Val-de-Grâce', 3),
    ('fire_truck', 'FIRE-003', 'available',   48.8550, 2.2960, 'Caserne Tour Eiffel (Dupleix)',  5);

-- 4 active interventions: 2 in progress (with AMB-002 and POL-002), 2 pending.
INSERT INTO interventions
    (intervention_type, priority, address, latitude, longitude, status, assigned_vehicle_id, description, zone)
VALUES
    ('medical',  'high',     '15 Rue de Rivoli, 75004 Paris',            48.8555, 2.3594, 'in_progress',
        (SELECT id FROM vehicles WHERE identifier = 'AMB-002'), 'Malaise d''un piéton, conscient', 'paris-04'),
    ('fire',     'critical', '230 Boulevard Voltaire, 75011 Paris',      48.8506, 2.3920, 'pending',
        NULL, 'Feu d''appartement au 3e étage', 'paris-11'),
    ('accident', 'medium',   'Avenue des Champs-Élysées, 75008 Paris',   48.8698, 2.3078, 'in_progress',
        (SELECT id FROM vehicles WHERE identifier = 'POL-002'), 'Collision entre deux véhicules, sans blessé grave', 'paris-08'),
    ('crime',    'high',     '12 Rue de la Paix, 75002 Paris',           48.8687, 2.3310, 'pending',
        NULL, 'Vol à main armée signalé dans une bijouterie', 'paris-02');
