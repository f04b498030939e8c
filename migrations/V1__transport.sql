-- Public transport lines served by the `transport` component (REST /transports).
-- The allowed modes and statuses mirror transport-model's `Mode` and `Status`; the CHECKs make
-- the database refuse anything the API would refuse, whoever writes to it.

CREATE TABLE transports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mode        text NOT NULL
                CHECK (mode IN ('Bus', 'Métro', 'Tramway', 'Train', 'Vélo', 'Taxi')),
    route       text NOT NULL
                CHECK (route = btrim(route) AND char_length(route) BETWEEN 1 AND 200),
    status      text NOT NULL
                CHECK (status IN ('operationnel', 'en_maintenance', 'hors_service', 'retard')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX transports_mode_idx ON transports (mode);
CREATE INDEX transports_status_idx ON transports (status);

-- Seed: 13 Paris lines, 9 of them operational (the city dashboard reads 9/13).
INSERT INTO transports (mode, route, status) VALUES
    ('Métro',   'Ligne 1 - La Défense → Château de Vincennes',                       'operationnel'),
    ('Métro',   'Ligne 4 - Porte de Clignancourt → Bagneux-Lucie Aubrac',            'operationnel'),
    ('Métro',   'Ligne 14 - Saint-Denis Pleyel → Aéroport d''Orly',                  'operationnel'),
    ('Train',   'RER A - Saint-Germain-en-Laye → Marne-la-Vallée Chessy',            'operationnel'),
    ('Train',   'RER B - Aéroport Charles de Gaulle 2 TGV → Saint-Rémy-lès-Chevreuse', 'retard'),
    ('Train',   'Transilien L - Paris Saint-Lazare → Cergy-le-Haut',                 'operationnel'),
    ('Bus',     'Ligne 38 - Gare du Nord → Porte d''Orléans',                        'operationnel'),
    ('Bus',     'Ligne 72 - Hôtel de Ville → Parc de Saint-Cloud',                   'en_maintenance'),
    ('Tramway', 'T3a - Pont du Garigliano → Porte de Vincennes',                     'operationnel'),
    ('Tramway', 'T2 - Pont de Bezons → Porte de Versailles',                         'hors_service'),
    ('Vélo',    'Vélib'' Station Châtelet - Les Halles',                             'operationnel'),
    ('Vélo',    'Vélib'' Station Gare de Lyon - Diderot',                            'operationnel'),
    ('Taxi',    'Taxi Zone Nord - Gare du Nord',                                     'retard');
