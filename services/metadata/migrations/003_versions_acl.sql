-- ListObjectVersions reads every version of a key range, newest first within a key.
CREATE INDEX object_versions_by_key_seq ON object_versions (org_id, bucket, key, seq DESC);
