import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A hash chain over the audit log: each entry stores its position (chain_seq), the previous entry's hash and its
 * own, SHA-256 over audit_log_canonical(...) of its fields and the previous hash. A BEFORE INSERT trigger computes
 * them, whatever code inserts. Concurrent inserts are serialised by the single row of audit_chain_head, locked
 * FOR UPDATE until the inserting transaction ends (a rolled-back entry takes its position with it). Existing
 * entries are chained in id order here.
 */
export class AuditChain1796636156251 implements MigrationInterface {
  name = 'AuditChain1796636156251';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_log" ADD "chain_seq" bigint`);
    await q.query(`ALTER TABLE "audit_log" ADD "prev_hash" character(64)`);
    await q.query(`ALTER TABLE "audit_log" ADD "hash" character(64)`);
    await q.query(`CREATE TABLE "audit_chain_head" (
  "id" smallint PRIMARY KEY CHECK ("id" = 1),
  "seq" bigint NOT NULL,
  "hash" character(64) NOT NULL
)`);
    // The canonical form: a JSON array (jsonb's text is one deterministic spelling of a value), the time in UTC to
    // the microsecond. Changing it breaks every hash: add a v2 instead.
    await q.query(`CREATE FUNCTION audit_log_canonical(
  seq bigint, id bigint, at timestamptz, actor_id uuid, actor_name varchar, action varchar,
  entity_type varchar, entity_id varchar, details jsonb, prev_hash text
) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array('tenderdesk-audit-v1', seq, id,
    to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor_id, actor_name, action, entity_type, entity_id, details, prev_hash)::text
$$`);
    await q.query(`CREATE FUNCTION audit_log_hash(canonical text) RETURNS character(64) LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(canonical, 'UTF8')), 'hex')
$$`);
    // Existing entries, in id order; the append-only trigger is off for this transaction's backfill only.
    await q.query(`ALTER TABLE "audit_log" DISABLE TRIGGER audit_log_append_only`);
    await q.query(`DO $$
DECLARE
  r record;
  n bigint := 0;
  prev character(64) := repeat('0', 64);
  h character(64);
BEGIN
  FOR r IN SELECT * FROM "audit_log" ORDER BY id LOOP
    n := n + 1;
    h := audit_log_hash(audit_log_canonical(n, r.id, r.at, r.actor_id, r.actor_name, r.action, r.entity_type,
      r.entity_id, r.details, prev));
    UPDATE "audit_log" SET chain_seq = n, prev_hash = prev, hash = h WHERE id = r.id;
    prev := h;
  END LOOP;
  INSERT INTO "audit_chain_head" (id, seq, hash) VALUES (1, n, prev);
END $$`);
    await q.query(`ALTER TABLE "audit_log" ENABLE TRIGGER audit_log_append_only`);
    await q.query(`ALTER TABLE "audit_log" ALTER COLUMN "chain_seq" SET NOT NULL`);
    await q.query(`ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" SET NOT NULL`);
    await q.query(`ALTER TABLE "audit_log" ALTER COLUMN "hash" SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "IDX_f88fa83e4ffdc0321bee5e2ea9" ON "audit_log"  ("chain_seq") `);
    await q.query(`CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head record;
BEGIN
  -- Waits for a concurrent inserter's commit or rollback and then reads the head as it left it.
  SELECT seq, hash INTO STRICT head FROM "audit_chain_head" WHERE id = 1 FOR UPDATE;
  NEW.chain_seq := head.seq + 1;
  NEW.prev_hash := head.hash;
  NEW.hash := audit_log_hash(audit_log_canonical(NEW.chain_seq, NEW.id, NEW.at, NEW.actor_id, NEW.actor_name,
    NEW.action, NEW.entity_type, NEW.entity_id, NEW.details, NEW.prev_hash));
  UPDATE "audit_chain_head" SET seq = NEW.chain_seq, hash = NEW.hash WHERE id = 1;
  RETURN NEW;
END $$`);
    await q.query(
      `CREATE TRIGGER audit_log_chain BEFORE INSERT ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_log_chain ON "audit_log"`);
    await q.query(`DROP FUNCTION audit_log_chain()`);
    await q.query(`DROP INDEX "public"."IDX_f88fa83e4ffdc0321bee5e2ea9"`);
    await q.query(`ALTER TABLE "audit_log" DROP COLUMN "hash"`);
    await q.query(`ALTER TABLE "audit_log" DROP COLUMN "prev_hash"`);
    await q.query(`ALTER TABLE "audit_log" DROP COLUMN "chain_seq"`);
    await q.query(`DROP FUNCTION audit_log_hash(text)`);
    await q.query(
      `DROP FUNCTION audit_log_canonical(bigint, bigint, timestamptz, uuid, varchar, varchar, varchar, varchar, jsonb, text)`,
    );
    await q.query(`DROP TABLE "audit_chain_head"`);
  }
}
