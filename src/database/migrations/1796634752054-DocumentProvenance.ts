import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents know where they come from (issue #14): `origin` workflow | ad-hoc, and a workflow document's record
 * (type and number) for /verify. Existing documents that a workflow points at become `workflow` with their record;
 * every other document stays `ad-hoc`.
 */
export class DocumentProvenance1796634752054 implements MigrationInterface {
  name = 'DocumentProvenance1796634752054';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "documents" ADD "origin" character varying(16) NOT NULL DEFAULT 'ad-hoc'`);
    await q.query(`ALTER TABLE "documents" ADD "record_type" character varying(64)`);
    await q.query(`ALTER TABLE "documents" ADD "record_number" character varying(100)`);
    await q.query(
      `UPDATE "documents" d SET "origin" = 'workflow', "record_type" = 'statement', "record_number" = s."number" FROM "statements" s WHERE s."document_id" = d."id"`,
    );
    await q.query(
      `UPDATE "documents" d SET "origin" = 'workflow', "record_type" = 'delivery-notice', "record_number" = x."number" FROM "deliveries" x WHERE x."document_id" = d."id"`,
    );
    await q.query(
      `UPDATE "documents" d SET "origin" = 'workflow', "record_type" = 'tender-package', "record_number" = x."tender_no" FROM "tender_package_versions" v JOIN "tenders" x ON x."id" = v."tender_id" WHERE v."document_id" = d."id"`,
    );
    await q.query(
      `UPDATE "documents" d SET "origin" = 'workflow', "record_type" = 'quotation', "record_number" = x."number" FROM "quotations" x WHERE d."type" = 'quotation' AND d."subject_type" = 'quotation' AND d."subject_id" = x."id"::text`,
    );
    await q.query(
      `UPDATE "documents" d SET "origin" = 'workflow', "record_type" = 'contact-sheet', "record_number" = x."project_number" FROM "contact_sheets" x WHERE d."subject_type" = 'contract' AND d."type" LIKE 'contact-sheet-%' AND d."subject_id" = x."contract_id"::text AND x."copies"::text LIKE '%' || d."id"::text || '%'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "documents" DROP COLUMN "record_number"`);
    await q.query(`ALTER TABLE "documents" DROP COLUMN "record_type"`);
    await q.query(`ALTER TABLE "documents" DROP COLUMN "origin"`);
  }
}
