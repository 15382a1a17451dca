-- ListObjectVersions reads every version of a key range, newest first within a key.
CREATE INDEX object_versions_by_key_seq ON object_versions (org_id, bucket, key, seq DESC);

-- Explicit ACL grants (AccessControlPolicy); NULL means the canned ACL in `acl` applies.
ALTER TABLE buckets ADD COLUMN acl_grants jsonb;
ALTER TABLE object_versions ADD COLUMN acl_grants jsonb;
ALTER TABLE multipart_uploads ADD COLUMN acl text NOT NULL DEFAULT 'private';
