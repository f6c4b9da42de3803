import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contact sheets mail through the outbox (#18): their own mailing table and its claim-and-retry loop go.
 *
 * Every mailing with an address is carried over into `outbox_messages` first, under the key, subject and Chinese
 * text the contact sheet mail template (templates/mail/contact-sheet) prints, so the sheet's view and the outbox page
 * keep its history: a `sent` one stays sent. One not sent at upgrade time (pending, failed for a passing reason, or
 * `sending` in a job that the upgrade stopped) becomes `failed` with a last error that says so: no `outbox.send` job
 * exists for it and a migration cannot queue one, so it waits, visible, for someone to send it again from the outbox
 * page (POST /api/outbox/{id}/retry) rather than being sent behind anyone's back. It keeps the fixed Message-ID the
 * old loop used, so a copy that a stopped `sending` attempt did deliver is recognisably the same if sent again. One
 * refused for good keeps its `permanent:` error. `no_address` rows carry nothing over: the sheet's view shows a
 * stored copy without a message as `no_address`.
 *
 * down() recreates the empty table; the outbox rows stay.
 */
export class DropContactSheetMailings1796657279598 implements MigrationInterface {
  name = 'DropContactSheetMailings1796657279598';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO "outbox_messages" ("key", "subject_type", "subject_id", "audience", "to", "cc", "subject", "text",
        "html", "attachments", "message_id", "status", "attempts", "last_error", "sent_at", "created_at", "updated_at")
      SELECT
        'contact-sheet:' || m."sheet_id" || ':' || m."stage" || ':' || m."department",
        'contact-sheet', m."sheet_id", m."department", jsonb_build_array(m."address"), '[]'::jsonb,
        '合同联系单 ' || s."project_number" || '（' || l."copy_label" || '）第' || s."version" || '版 — ' || w."what",
        l."dept_label" || '：' || chr(10) || chr(10) || '合同 ' || c."number" || '（' || cu."name" || '，项目号 ' ||
          s."project_number" || '）的合同联系单' || l."copy_label" || '第 ' || s."version" || ' 版' || w."what" || '。' ||
          chr(10) || '附件为联系单 PDF（电子签名）。' || chr(10),
        NULL,
        CASE WHEN d."id" IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
          'documentId', d."id", 'version', m."document_version", 'format', 'pdf',
          'fileName', '合同联系单-' || s."project_number" || '-' || l."copy_label" || '-v' || m."document_version" || '.pdf'
        )) END,
        COALESCE(m."message_id", '<contact-sheet.' || m."sheet_id" || '.' || m."stage" || '.' || m."department" || '@tenderdesk>'),
        CASE WHEN m."status" = 'sent' THEN 'sent' ELSE 'failed' END,
        m."attempts",
        CASE
          WHEN m."status" = 'sent' THEN NULL
          WHEN m."error" LIKE 'permanent:%' THEN m."error"
          ELSE 'not sent when contact sheets moved to the outbox (was ' || m."status" ||
            COALESCE(': ' || m."error", '') || '): send it again here'
        END,
        CASE WHEN m."status" = 'sent' THEN m."updated_at" END,
        m."created_at", m."updated_at"
      FROM "contact_sheet_mailings" m
      JOIN "contact_sheets" s ON s."id" = m."sheet_id"
      JOIN "contracts" c ON c."id" = s."contract_id"
      JOIN "customers" cu ON cu."id" = c."customer_id"
      JOIN (VALUES ('finance', '财务联', '财务部'), ('engineering', '技术联', '技术部'), ('production', '生产联', '生产调度'))
        AS l("department", "copy_label", "dept_label") ON l."department" = m."department"
      JOIN (VALUES ('issued', '已出具，请会签'), ('completed', '各部门已会签完毕')) AS w("stage", "what") ON w."stage" = m."stage"
      LEFT JOIN "documents" d ON d."type" = 'contact-sheet-' || m."department" AND d."subject_type" = 'contract'
        AND d."subject_id" = s."contract_id"::text
      WHERE m."address" IS NOT NULL AND m."status" <> 'no_address'
      ON CONFLICT ("key") DO NOTHING
    `);
    await q.query(`DROP INDEX "public"."IDX_05300994947e3f0bfa82790b0d"`);
    await q.query(`DROP TABLE "contact_sheet_mailings"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "contact_sheet_mailings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sheet_id" uuid NOT NULL, "sheet_version" integer NOT NULL, "stage" character varying(16) NOT NULL, "department" character varying(16) NOT NULL, "document_version" integer NOT NULL, "address" character varying(320), "status" character varying(16) NOT NULL, "message_id" character varying(300), "attempts" integer NOT NULL DEFAULT '0', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_8bf184d58d63491a032c9cc2d66" UNIQUE ("sheet_id", "stage", "department"), CONSTRAINT "PK_4ee12e94a494968eecaee831883" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_05300994947e3f0bfa82790b0d" ON "contact_sheet_mailings"  ("sheet_id") `);
  }
}
