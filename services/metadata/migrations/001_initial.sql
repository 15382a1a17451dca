-- Buckets and object versions. Every table is keyed by org_id first: bucket names are unique per
-- org only, and every query is scoped by the verified org of the caller.

CREATE TABLE buckets (
  org_id     text        NOT NULL,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  versioning text        NOT NULL DEFAULT 'Unversioned' CHECK (versioning IN ('Unversioned', 'Enabled', 'Suspended')),
  acl        text        NOT NULL DEFAULT 'private',
  PRIMARY KEY (org_id, name)
);

-- One row per version (and per delete marker). Keys compare as bytes, as S3 orders them.
CREATE TABLE object_versions (
  org_id           text        NOT NULL,
  bucket           text        NOT NULL,
  key              text        COLLATE "C" NOT NULL,
  version_id       text        NOT NULL,
  -- Write order: "the next newest version" when the latest one is deleted.
  seq              bigserial   NOT NULL,
  is_latest        boolean     NOT NULL,
  is_delete_marker boolean     NOT NULL DEFAULT false,
  size             bigint      NOT NULL DEFAULT 0,
  etag             text,
  last_modified    timestamptz NOT NULL DEFAULT now(),
  headers          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  user_metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  checksums        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  manifest         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  acl              text        NOT NULL DEFAULT 'private',
  PRIMARY KEY (org_id, bucket, key, version_id)
);

-- At most one latest version per key: the invariant every write preserves.
CREATE UNIQUE INDEX object_versions_latest ON object_versions (org_id, bucket, key) WHERE is_latest;

-- Listing reads only latest live keys, in byte order.
CREATE INDEX object_versions_listing ON object_versions (org_id, bucket, key) WHERE is_latest AND NOT is_delete_marker;

-- Durable record that a blob is no longer referenced; the janitor deletes the bytes after a grace
-- period so in-flight reads of the old version still finish.
CREATE TABLE blob_outbox (
  id          bigserial   PRIMARY KEY,
  org_id      text        NOT NULL,
  blob_id     text        NOT NULL,
  reason      text        NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX blob_outbox_enqueued ON blob_outbox (enqueued_at);
