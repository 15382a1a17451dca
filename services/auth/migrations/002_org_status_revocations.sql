-- A suspended org's keys stop working (auth answers AccountProblem); nothing is deleted.
ALTER TABLE orgs ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'));

-- Revocations are pushed, whoever makes them (admin API, control plane, CLI, plain SQL): a trigger
-- notifies on the channel auth LISTENs to, and Postgres delivers it only if the change commits.
-- Auth relays each notification to the gateways, which drop their cached verification.
CREATE FUNCTION notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status = 'active' THEN
    RETURN NULL; -- re-enabling needs no push: gateways never cache a refusal
  END IF;
  IF TG_TABLE_NAME = 'access_keys' THEN
    PERFORM pg_notify('excloud_revocations', json_build_object('accessKeyId', OLD.access_key_id)::text);
  ELSE
    PERFORM pg_notify('excloud_revocations', json_build_object('orgId', OLD.id)::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER access_keys_revoked AFTER UPDATE OF status OR DELETE ON access_keys
  FOR EACH ROW EXECUTE FUNCTION notify_revocation();
CREATE TRIGGER orgs_revoked AFTER UPDATE OF status OR DELETE ON orgs
  FOR EACH ROW EXECUTE FUNCTION notify_revocation();
