-- One org's counters were one row, and every commit of the org updated it: concurrent writers of
-- one org queued on its row lock until the previous transaction's WAL flush, so an org could not
-- commit faster than one flush at a time (pg_stat_activity under 32 concurrent small PUTs: half
-- the active backends in Lock:transactionid, one in IO:WALSync). The counters are now split into
-- stripes whose sum is the org's usage. Every column is additive, the byte-second integrals too
-- (the integral of a sum is the sum of the integrals), so each stripe advances its own and
-- readers add them up. A stripe alone may go negative (an object counted in one stripe and
-- deleted through another); only sums mean anything.
--
-- Who writes which stripe:
--   * orgs with a quota: stripe 0, always. Their writers still serialise, and that is what keeps
--     the quota exact: each sees the others' committed changes before it checks;
--   * other orgs: the stripe of the backend (pg_backend_pid() % 16), so concurrent commits of one
--     org take different rows;
--   * a reconciliation (p_force): stripe 0, with every stripe of the org locked first.
ALTER TABLE org_usage ADD COLUMN stripe smallint NOT NULL DEFAULT 0 CHECK (stripe >= 0 AND stripe < 16);
ALTER TABLE org_usage DROP CONSTRAINT org_usage_pkey;
ALTER TABLE org_usage ADD PRIMARY KEY (org_id, stripe);

CREATE OR REPLACE FUNCTION apply_org_usage(p_org text, p_bytes bigint, p_objects bigint, p_buckets bigint, p_object_size bigint, p_force boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  q org_quotas;
  v_stripe smallint := 0;
  v_bytes bigint;
  v_objects bigint;
  v_buckets bigint;
BEGIN
  IF p_bytes = 0 AND p_objects = 0 AND p_buckets = 0 AND p_object_size IS NULL THEN
    RETURN;
  END IF;
  IF NOT p_force THEN
    SELECT * INTO q FROM org_quotas WHERE org_id = p_org;
    IF NOT FOUND THEN
      v_stripe := pg_backend_pid() % 16;
    END IF;
  END IF;
  INSERT INTO org_usage AS cur (org_id, stripe, bytes, objects, buckets, changed_at)
  VALUES (p_org, v_stripe, p_bytes, p_objects, p_buckets, clock_timestamp())
  ON CONFLICT (org_id, stripe) DO UPDATE SET
    bytes = cur.bytes + EXCLUDED.bytes,
    objects = cur.objects + EXCLUDED.objects,
    buckets = cur.buckets + EXCLUDED.buckets,
    byte_seconds = cur.byte_seconds + cur.bytes * greatest(0, extract(epoch FROM EXCLUDED.changed_at - cur.changed_at)),
    hour_start_byte_seconds = CASE
      WHEN cur.changed_at < date_trunc('hour', EXCLUDED.changed_at, 'UTC')
      THEN cur.byte_seconds + cur.bytes * extract(epoch FROM date_trunc('hour', EXCLUDED.changed_at, 'UTC') - cur.changed_at)
      ELSE cur.hour_start_byte_seconds END,
    changed_at = greatest(cur.changed_at, EXCLUDED.changed_at);
  IF p_force OR q.org_id IS NULL THEN
    RETURN;
  END IF;
  -- A statement of its own, so it sees every writer that committed while this one waited for stripe 0.
  SELECT sum(bytes), sum(objects), sum(buckets) INTO v_bytes, v_objects, v_buckets FROM org_usage WHERE org_id = p_org;
  IF (p_object_size IS NOT NULL AND p_object_size > q.max_object_bytes)
    OR (p_bytes > 0 AND v_bytes > q.max_bytes)
    OR (p_objects > 0 AND v_objects > q.max_objects)
    OR (p_buckets > 0 AND v_buckets > q.max_buckets) THEN
    RAISE EXCEPTION USING ERRCODE = 'S3QTA', MESSAGE = 'QuotaExceeded', DETAIL = jsonb_build_object(
      'quota', to_jsonb(q),
      'delta', jsonb_build_object('bytes', p_bytes, 'objects', p_objects, 'buckets', p_buckets),
      'after', jsonb_build_object('bytes', v_bytes, 'objects', v_objects, 'buckets', v_buckets),
      'objectSize', p_object_size)::text;
  END IF;
END $$;
