-- PutObject and DeleteObject as one statement each. Their transaction was a conversation of 7 to
-- 10 statements (BEGIN, bucket lock, key lock, latest, null-version removal, outbox, demote,
-- insert, usage, COMMIT), each a round trip and a socket write on both ends, with the locks held
-- across all of them. These functions take the same steps in the same order, called as one
-- autocommit statement, so the whole write is atomic and costs one round trip.
--
-- Refusals: SQLSTATE 'S3ERR' with the S3 error code as message and the error's fields as a JSON
-- detail; SQLSTATE 'S3QTA' for QuotaExceeded, with the quota and the usage after the change as
-- detail, from which the service writes the same message it always has.

CREATE FUNCTION s3_raise(code text, fields jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'S3ERR', MESSAGE = code, DETAIL = fields::text;
END $$;

-- The per-key advisory lock's id, here only, so SQL and the service's own transactions
-- (tags, ACLs, Complete) take the same lock.
CREATE FUNCTION object_key_lock_id(p_org text, p_bucket text, p_key text) RETURNS bigint
IMMUTABLE LANGUAGE sql AS $$ SELECT hashtextextended(p_org || E'\x01' || p_bucket || E'\x01' || p_key, 0) $$;

-- Mirrors the service's unquoteEtag (JavaScript's trim, then one pair of quotes).
CREATE FUNCTION unquote_etag(e text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN length(t) >= 2 AND left(t, 1) = '"' AND right(t, 1) = '"' THEN substr(t, 2, length(t) - 2) ELSE t END
    FROM (SELECT btrim(e, E' \t\n\r\f\v\u00a0\ufeff') AS t) AS s $$;

-- KEY SHARE: concurrent writes to one bucket do not block each other, but a bucket delete
-- (FOR UPDATE) waits for them and they wait for it, then see the bucket gone.
CREATE FUNCTION lock_bucket_for_write(p_org text, p_bucket text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_versioning text;
BEGIN
  SELECT versioning INTO v_versioning FROM buckets WHERE org_id = p_org AND name = p_bucket FOR KEY SHARE;
  IF NOT FOUND THEN
    PERFORM s3_raise('NoSuchBucket', jsonb_build_object('BucketName', p_bucket));
  END IF;
  RETURN v_versioning;
END $$;

-- The usage upsert: see 005 for the time weighting. Only growth is checked against the quota;
-- a reconciliation (p_force) is never refused. Nothing changes when nothing would.
CREATE FUNCTION apply_org_usage(p_org text, p_bytes bigint, p_objects bigint, p_buckets bigint, p_object_size bigint, p_force boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  u org_usage;
  q org_quotas;
BEGIN
  IF p_bytes = 0 AND p_objects = 0 AND p_buckets = 0 AND p_object_size IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO org_usage AS cur (org_id, bytes, objects, buckets, changed_at)
  VALUES (p_org, p_bytes, p_objects, p_buckets, clock_timestamp())
  ON CONFLICT (org_id) DO UPDATE SET
    bytes = cur.bytes + EXCLUDED.bytes,
    objects = cur.objects + EXCLUDED.objects,
    buckets = cur.buckets + EXCLUDED.buckets,
    byte_seconds = cur.byte_seconds + cur.bytes * greatest(0, extract(epoch FROM EXCLUDED.changed_at - cur.changed_at)),
    hour_start_byte_seconds = CASE
      WHEN cur.changed_at < date_trunc('hour', EXCLUDED.changed_at, 'UTC')
      THEN cur.byte_seconds + cur.bytes * extract(epoch FROM date_trunc('hour', EXCLUDED.changed_at, 'UTC') - cur.changed_at)
      ELSE cur.hour_start_byte_seconds END,
    changed_at = greatest(cur.changed_at, EXCLUDED.changed_at)
  RETURNING cur.* INTO u;
  IF p_force THEN
    RETURN;
  END IF;
  SELECT * INTO q FROM org_quotas WHERE org_id = p_org;
  IF FOUND AND (
       (p_object_size IS NOT NULL AND p_object_size > q.max_object_bytes)
    OR (p_bytes > 0 AND u.bytes > q.max_bytes)
    OR (p_objects > 0 AND u.objects > q.max_objects)
    OR (p_buckets > 0 AND u.buckets > q.max_buckets)) THEN
    RAISE EXCEPTION USING ERRCODE = 'S3QTA', MESSAGE = 'QuotaExceeded', DETAIL = jsonb_build_object(
      'quota', to_jsonb(q),
      'delta', jsonb_build_object('bytes', p_bytes, 'objects', p_objects, 'buckets', p_buckets),
      'after', jsonb_build_object('bytes', u.bytes, 'objects', u.objects, 'buckets', u.buckets),
      'objectSize', p_object_size)::text;
  END IF;
END $$;

-- Records, in the transaction that unpublished them, the blobs no version references any more.
CREATE FUNCTION enqueue_unreferenced_blobs(p_org text, p_manifest jsonb, p_reason text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO blob_outbox (org_id, blob_id, reason, size)
  SELECT p_org, p.part->>'blobId', p_reason, (p.part->>'size')::bigint
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_manifest) = 'array' THEN p_manifest ELSE '[]'::jsonb END) WITH ORDINALITY AS p(part, n)
   WHERE jsonb_typeof(p.part->'blobId') = 'string' AND p.part->>'blobId' <> ''
   ORDER BY p.n
$$;

-- Unpublishes one version (its blobs to the outbox) and says what it counted for: delete markers
-- take no bytes and are not objects.
CREATE FUNCTION remove_object_version(p_org text, p_bucket text, p_key text, p_version_id text, p_reason text,
  OUT removed boolean, OUT was_latest boolean, OUT was_delete_marker boolean, OUT freed_bytes bigint, OUT freed_objects bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_manifest jsonb;
  v_size bigint;
BEGIN
  DELETE FROM object_versions WHERE org_id = p_org AND bucket = p_bucket AND key = p_key AND version_id = p_version_id
  RETURNING is_latest, is_delete_marker, manifest, size INTO was_latest, was_delete_marker, v_manifest, v_size;
  removed := FOUND;
  freed_bytes := 0;
  freed_objects := 0;
  IF removed THEN
    PERFORM enqueue_unreferenced_blobs(p_org, v_manifest, p_reason);
    IF NOT was_delete_marker THEN
      freed_bytes := v_size;
      freed_objects := 1;
    END IF;
  END IF;
END $$;

-- Publishes a new latest version; the caller holds the bucket and key locks and has checked the
-- write conditions. Without versioning the write replaces the 'null' version, which need not be
-- the latest one. Usage changes last, so the org row lock is held only from there to commit.
CREATE FUNCTION publish_object_version(p_org text, p_bucket text, p_key text, p_versioning text, p_new_version_id text,
  p_size bigint, p_etag text, p_headers jsonb, p_user_metadata jsonb, p_checksums jsonb, p_manifest jsonb, p_acl text, p_tags jsonb)
RETURNS object_versions LANGUAGE plpgsql AS $$
DECLARE
  v_version_id text := CASE WHEN p_versioning = 'Enabled' THEN p_new_version_id ELSE 'null' END;
  v_freed_bytes bigint := 0;
  v_freed_objects bigint := 0;
  v_row object_versions;
BEGIN
  IF v_version_id = 'null' THEN
    SELECT freed_bytes, freed_objects INTO v_freed_bytes, v_freed_objects FROM remove_object_version(p_org, p_bucket, p_key, 'null', 'overwrite');
  END IF;
  UPDATE object_versions SET is_latest = false WHERE org_id = p_org AND bucket = p_bucket AND key = p_key AND is_latest;
  INSERT INTO object_versions
    (org_id, bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified, headers, user_metadata, checksums, manifest, acl, tags)
  VALUES (p_org, p_bucket, p_key, v_version_id, true, false, p_size, p_etag, now(), p_headers, p_user_metadata, p_checksums, p_manifest, p_acl, p_tags)
  RETURNING * INTO v_row;
  PERFORM apply_org_usage(p_org, p_size - v_freed_bytes, 1 - v_freed_objects, 0, p_size, false);
  RETURN v_row;
END $$;

-- If-Match / If-None-Match, evaluated against the live latest version; the caller holds the key
-- lock, so the check and the publish are one atomic step. A condition is NULL when absent, else
-- the unquoted entity tags it lists and whether it lists '*'. PutObject and Complete use it.
CREATE FUNCTION check_write_conditions(p_org text, p_bucket text, p_key text,
  p_if_match text[], p_if_match_any boolean, p_if_none_match text[], p_if_none_match_any boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_live_etag text;
  v_live boolean;
BEGIN
  IF p_if_match IS NULL AND p_if_none_match IS NULL THEN
    RETURN;
  END IF;
  SELECT unquote_etag(coalesce(etag, '')) INTO v_live_etag FROM object_versions
   WHERE org_id = p_org AND bucket = p_bucket AND key = p_key AND is_latest AND NOT is_delete_marker;
  v_live := FOUND;
  IF p_if_none_match IS NOT NULL AND v_live AND (p_if_none_match_any OR v_live_etag = ANY (p_if_none_match)) THEN
    PERFORM s3_raise('PreconditionFailed', '{"Condition": "If-None-Match"}');
  END IF;
  IF p_if_match IS NOT NULL AND NOT v_live THEN
    PERFORM s3_raise('NoSuchKey', '{}');
  END IF;
  IF p_if_match IS NOT NULL AND NOT (p_if_match_any OR v_live_etag = ANY (p_if_match)) THEN
    PERFORM s3_raise('PreconditionFailed', '{"Condition": "If-Match"}');
  END IF;
END $$;

-- PutObject: bucket and key locked, conditions checked, version published.
CREATE FUNCTION put_object_version(p_org text, p_bucket text, p_key text, p_new_version_id text,
  p_size bigint, p_etag text, p_headers jsonb, p_user_metadata jsonb, p_checksums jsonb, p_manifest jsonb, p_acl text, p_tags jsonb,
  p_if_match text[], p_if_match_any boolean, p_if_none_match text[], p_if_none_match_any boolean)
RETURNS object_versions LANGUAGE plpgsql AS $$
DECLARE
  v_versioning text := lock_bucket_for_write(p_org, p_bucket);
BEGIN
  PERFORM pg_advisory_xact_lock(object_key_lock_id(p_org, p_bucket, p_key));
  PERFORM check_write_conditions(p_org, p_bucket, p_key, p_if_match, p_if_match_any, p_if_none_match, p_if_none_match_any);
  RETURN publish_object_version(p_org, p_bucket, p_key, v_versioning, p_new_version_id,
    p_size, p_etag, p_headers, p_user_metadata, p_checksums, p_manifest, p_acl, p_tags);
END $$;

-- DeleteObject: a named version (a missing one succeeds, as in S3; the newest remaining version
-- becomes latest when the latest goes), the 'null' version without versioning, else a delete marker.
CREATE FUNCTION delete_object_version(p_org text, p_bucket text, p_key text, p_version_id text, p_new_version_id text,
  OUT r_version_id text, OUT r_delete_marker boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_versioning text := lock_bucket_for_write(p_org, p_bucket);
  v_removed boolean;
  v_was_latest boolean;
  v_was_marker boolean;
  v_freed_bytes bigint := 0;
  v_freed_objects bigint := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(object_key_lock_id(p_org, p_bucket, p_key));
  IF p_version_id IS NOT NULL OR v_versioning = 'Unversioned' THEN
    SELECT removed, was_latest, was_delete_marker, freed_bytes, freed_objects
      INTO v_removed, v_was_latest, v_was_marker, v_freed_bytes, v_freed_objects
      FROM remove_object_version(p_org, p_bucket, p_key, coalesce(p_version_id, 'null'), 'delete');
    IF p_version_id IS NOT NULL AND v_removed AND v_was_latest THEN
      UPDATE object_versions SET is_latest = true
       WHERE org_id = p_org AND bucket = p_bucket AND key = p_key
         AND seq = (SELECT max(seq) FROM object_versions WHERE org_id = p_org AND bucket = p_bucket AND key = p_key);
    END IF;
    PERFORM apply_org_usage(p_org, -v_freed_bytes, -v_freed_objects, 0, NULL, false);
    r_version_id := p_version_id;
    r_delete_marker := p_version_id IS NOT NULL AND coalesce(v_was_marker, false);
    RETURN;
  END IF;
  r_version_id := CASE WHEN v_versioning = 'Enabled' THEN p_new_version_id ELSE 'null' END;
  IF r_version_id = 'null' THEN
    SELECT freed_bytes, freed_objects INTO v_freed_bytes, v_freed_objects FROM remove_object_version(p_org, p_bucket, p_key, 'null', 'delete');
  END IF;
  UPDATE object_versions SET is_latest = false WHERE org_id = p_org AND bucket = p_bucket AND key = p_key AND is_latest;
  INSERT INTO object_versions (org_id, bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified)
  VALUES (p_org, p_bucket, p_key, r_version_id, true, true, 0, NULL, now());
  PERFORM apply_org_usage(p_org, -v_freed_bytes, -v_freed_objects, 0, NULL, false);
  r_delete_marker := true;
END $$;
