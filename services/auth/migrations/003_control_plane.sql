-- A label the customer chooses when creating a key (`exc buckets keys create --name ci`).
ALTER TABLE access_keys ADD COLUMN name text;

-- Org API tokens for the control API. Only the SHA-256 of the token is kept: it is shown once.
CREATE TABLE org_tokens (
  id           text PRIMARY KEY,
  org_id       text NOT NULL REFERENCES orgs (id),
  name         text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX org_tokens_by_org ON org_tokens (org_id, created_at);
