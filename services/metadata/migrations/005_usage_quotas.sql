-- Per-org limits, set by an operator. NULL means no limit on that dimension.
CREATE TABLE org_quotas (
  org_id           text        PRIMARY KEY,
  max_bytes        bigint      CHECK (max_bytes >= 0),
  max_objects      bigint      CHECK (max_objects >= 0),
  max_buckets      bigint      CHECK (max_buckets >= 0),
  max_object_bytes bigint      CHECK (max_object_bytes >= 0),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Live counters, changed by the same transaction as the commit that changes what they count, so
-- they cannot drift (the janitor's reconciliation proves it). The row lock is what makes quotas
-- exact under concurrency: writers of one org serialise on it for the end of their transaction.
-- bytes and objects count every stored version (noncurrent ones are stored and billed too);
-- delete markers are not objects.
CREATE TABLE org_usage (
  org_id                  text        PRIMARY KEY,
  bytes                   bigint      NOT NULL DEFAULT 0,
  objects                 bigint      NOT NULL DEFAULT 0,
  buckets                 bigint      NOT NULL DEFAULT 0,
  -- Time weighting, exact: the integral of bytes over time since the row was created, advanced
  -- at every change (bytes were constant since changed_at), and its value at the start of the
  -- UTC hour containing changed_at. The hourly rollup reads both; the hot path pays nothing extra.
  byte_seconds            numeric     NOT NULL DEFAULT 0,
  changed_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  hour_start_byte_seconds numeric     NOT NULL DEFAULT 0,
  -- Where the hourly rollup last read the integral.
  rolled_byte_seconds     numeric     NOT NULL DEFAULT 0,
  rolled_at               timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Billing rows: one per org per UTC hour. Request and transfer counters come batched from the
-- gateways; byte_seconds, bytes_stored and objects from the janitor's rollup of org_usage.
CREATE TABLE usage_hourly (
  org_id           text        NOT NULL,
  hour             timestamptz NOT NULL,
  byte_seconds     numeric     NOT NULL DEFAULT 0,
  bytes_stored     bigint      NOT NULL DEFAULT 0,
  objects          bigint      NOT NULL DEFAULT 0,
  class_a_requests bigint      NOT NULL DEFAULT 0,
  class_b_requests bigint      NOT NULL DEFAULT 0,
  ingress_bytes    bigint      NOT NULL DEFAULT 0,
  egress_bytes     bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, hour)
);

-- Counters start from what is already stored.
INSERT INTO org_usage (org_id, bytes, objects, buckets)
SELECT org_id, sum(bytes), sum(objects), sum(buckets)
  FROM (
    SELECT org_id, sum(size) AS bytes, count(*) FILTER (WHERE NOT is_delete_marker) AS objects, 0 AS buckets
      FROM object_versions GROUP BY org_id
    UNION ALL
    SELECT org_id, 0, 0, count(*) FROM buckets GROUP BY org_id
  ) AS s
 GROUP BY org_id;
