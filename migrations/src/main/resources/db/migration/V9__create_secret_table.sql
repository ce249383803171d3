-- Secrets the system uses on the users' behalf (the Hugging Face token, future connection keys),
-- encrypted with AES-256-GCM under a key that only the services' environment holds
-- (MODELCAT_SECRET_KEY). key_id names that key, so a rotated key can tell old ciphertexts apart.
CREATE TABLE secret (
    name        varchar(100)  PRIMARY KEY,
    ciphertext  bytea         NOT NULL,
    nonce       bytea         NOT NULL,
    key_id      char(16)      NOT NULL,
    updated_by  varchar(64)   NOT NULL,
    updated_at  timestamptz   NOT NULL DEFAULT now()
);
