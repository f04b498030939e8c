-- CityFlow accounts, served by the `identity` component (/api/auth/...) and created by
-- `cityflow user add`. No user is seeded: the first admin is created by an operator with
-- `cityflow user add --role admin`, so the repository never holds a usable password.

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored as entered (trimmed); compared case-insensitively through users_email_key.
    email          text NOT NULL
                   CHECK (email = btrim(email) AND char_length(email) BETWEEN 3 AND 254),
    -- PHC string, e.g. $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>; never a plain password.
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role           text NOT NULL DEFAULT 'viewer'
                   CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One account per address whatever its case (what citext would give, without the extension).
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
