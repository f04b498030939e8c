-- Tourist attractions served by the `tourism` component (GraphQL /graphql).
-- `type` and `status` are the lowercase forms of the GraphQL enums AttractionType and
-- AttractionStatus (tourism-model's vocab.rs); the CHECKs make the database refuse anything
-- the API would refuse, whoever writes to it.
-- `zone` is the city zone the attraction is in: one of the shared `zones` (the 20 Paris
-- arrondissements `paris-01` .. `paris-20`, created by the air-quality migration V3).

CREATE TABLE attractions (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL
                   CHECK (name = btrim(name) AND char_length(name) BETWEEN 1 AND 200),
    type           text NOT NULL
                   CHECK (type IN ('museum', 'monument', 'park', 'garden', 'church', 'theatre',
                                   'restaurant', 'hotel')),
    address        text NOT NULL
                   CHECK (address = btrim(address) AND char_length(address) BETWEEN 1 AND 300),
    latitude       double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude      double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    status         text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'closed', 'temporarily_closed')),
    opening_hours  text CHECK (char_length(opening_hours) BETWEEN 1 AND 200),
    description    text CHECK (char_length(description) BETWEEN 1 AND 2000),
    zone           text NOT NULL REFERENCES zones (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Lists are ordered by id and paged by keyset (id > cursor), so these serve the filters.
CREATE INDEX attractions_type_id_idx ON attractions (type, id);
CREATE INDEX attractions_zone_id_idx ON attractions (zone, id);

-- Seed: 10 Paris attractions, 9 open (Notre-Dame reopened in December 2024 but is kept
-- temporarily closed here, as in the design doc, so the city dashboard reads 9/10).
INSERT INTO attractions (name, type, address, latitude, longitude, status, opening_hours, description, zone) VALUES
    ('Musée du Louvre', 'museum', 'Rue de Rivoli, 75001 Paris', 48.8606, 2.3376, 'open',
     '9h-18h, fermé le mardi', 'Le plus grand musée d''art du monde : la Joconde, la Vénus de Milo.', 'paris-01'),
    ('Tour Eiffel', 'monument', 'Champ de Mars, 5 avenue Anatole France, 75007 Paris', 48.8584, 2.2945, 'open',
     '9h30-23h45', 'La dame de fer, 330 m, construite pour l''Exposition universelle de 1889.', 'paris-07'),
    ('Cathédrale Notre-Dame de Paris', 'church', '6 parvis Notre-Dame - place Jean-Paul II, 75004 Paris', 48.8530, 2.3499, 'temporarily_closed',
     NULL, 'Cathédrale gothique de l''île de la Cité.', 'paris-04'),
    ('Arc de Triomphe', 'monument', 'Place Charles de Gaulle, 75008 Paris', 48.8738, 2.2950, 'open',
     '10h-23h', 'Arc monumental en haut des Champs-Élysées, tombe du Soldat inconnu.', 'paris-08'),
    ('Musée d''Orsay', 'museum', 'Esplanade Valéry Giscard d''Estaing, 75007 Paris', 48.8600, 2.3266, 'open',
     '9h30-18h, fermé le lundi', 'Art du XIXe siècle dans une ancienne gare : impressionnistes et post-impressionnistes.', 'paris-07'),
    ('Basilique du Sacré-Cœur de Montmartre', 'church', '35 rue du Chevalier de la Barre, 75018 Paris', 48.8867, 2.3431, 'open',
     '6h30-22h30', 'Basilique au sommet de la butte Montmartre.', 'paris-18'),
    ('Jardin du Luxembourg', 'garden', 'Rue de Médicis - rue de Vaugirard, 75006 Paris', 48.8462, 2.3372, 'open',
     '7h30 au coucher du soleil', 'Jardin du Sénat, 23 hectares au cœur de la rive gauche.', 'paris-06'),
    ('Centre Pompidou', 'museum', 'Place Georges-Pompidou, 75004 Paris', 48.8607, 2.3522, 'open',
     '11h-21h, fermé le mardi', 'Musée national d''art moderne.', 'paris-04'),
    ('Parc des Buttes-Chaumont', 'park', '1 rue Botzaris, 75019 Paris', 48.8809, 2.3828, 'open',
     '7h-22h', 'Parc paysager avec falaises, lac et temple de la Sibylle.', 'paris-19'),
    ('Le Procope', 'restaurant', '13 rue de l''Ancienne Comédie, 75006 Paris', 48.8530, 2.3389, 'open',
     '12h-0h', 'Le plus ancien café de Paris, ouvert en 1686.', 'paris-06');
