-- A completed multipart upload is remembered for a day, so that a retried Complete with the same
-- part list (an SDK whose first response was lost) gets the same answer instead of NoSuchUpload.
-- parts_digest names the exact part list; any other list still finds no upload.
CREATE TABLE completed_uploads (
  org_id       text        NOT NULL,
  bucket       text        NOT NULL,
  upload_id    text        NOT NULL,
  key          text        COLLATE "C" NOT NULL,
  parts_digest text        NOT NULL,
  result       jsonb       NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, bucket, upload_id),
  FOREIGN KEY (org_id, bucket) REFERENCES buckets (org_id, name) ON DELETE CASCADE
);
CREATE INDEX completed_uploads_age ON completed_uploads (org_id, completed_at);

-- Object tags ([{"key","value"}] in the order given; NULL means none), carried by uploads in
-- progress until Complete publishes them on the version.
ALTER TABLE object_versions ADD COLUMN tags jsonb;
ALTER TABLE multipart_uploads ADD COLUMN tags jsonb;

-- Bucket CORS rules (the parsed CORSConfiguration); NULL means none configured.
ALTER TABLE buckets ADD COLUMN cors jsonb;
