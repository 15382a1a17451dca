-- Multipart uploads in progress and their parts. A part row references its own blob; Complete
-- copies the listed parts' blob references into the version's manifest and drops the upload.
CREATE TABLE multipart_uploads (
  org_id             text        NOT NULL,
  bucket             text        NOT NULL,
  upload_id          text        NOT NULL,
  key                text        COLLATE "C" NOT NULL,
  initiated          timestamptz NOT NULL DEFAULT now(),
  last_activity      timestamptz NOT NULL DEFAULT now(),
  headers            jsonb       NOT NULL DEFAULT '{}'::jsonb,
  user_metadata      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  checksum_algorithm text,
  checksum_type      text,
  PRIMARY KEY (org_id, bucket, upload_id)
);
CREATE INDEX multipart_uploads_listing ON multipart_uploads (org_id, bucket, key, initiated, upload_id);
CREATE INDEX multipart_uploads_idle ON multipart_uploads (last_activity);

CREATE TABLE upload_parts (
  org_id        text        NOT NULL,
  bucket        text        NOT NULL,
  upload_id     text        NOT NULL,
  part_number   int         NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  size          bigint      NOT NULL,
  etag          text        NOT NULL,
  checksums     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  blob          jsonb       NOT NULL,
  blob_id       text        NOT NULL,
  last_modified timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, bucket, upload_id, part_number),
  FOREIGN KEY (org_id, bucket, upload_id) REFERENCES multipart_uploads ON DELETE CASCADE
);
CREATE INDEX upload_parts_blob ON upload_parts (blob_id);

-- Bytes reclaimed are reported when the outbox knows the blob's size.
ALTER TABLE blob_outbox ADD COLUMN size bigint;
CREATE INDEX blob_outbox_blob ON blob_outbox (blob_id);

-- The orphan sweep asks "does any version reference this blob?" by containment on the manifest.
CREATE INDEX object_versions_manifest ON object_versions USING gin (manifest jsonb_path_ops);
