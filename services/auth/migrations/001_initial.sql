-- Orgs are tenants; canonical_id is the stable S3 Owner ID shown in listings and ACLs.
CREATE TABLE orgs (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  canonical_id text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Secrets are stored encrypted (AES-256-GCM under AUTH_SECRET_KEY, bound to the key id), never in clear.
CREATE TABLE access_keys (
  access_key_id     text PRIMARY KEY,
  org_id            text NOT NULL REFERENCES orgs (id),
  secret_ciphertext text NOT NULL,
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_keys_by_org ON access_keys (org_id, created_at);
