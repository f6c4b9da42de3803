import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { DropContactSheetMailings1796657279598 } from '../../src/database/migrations/1796657279598-DropContactSheetMailings.js';
import { MIGRATIONS } from '../../src/database/migrations/index.js';
import { createTestDatabase } from '../support/database.js';

/**
 * The migration that drops contact_sheet_mailings carries its rows into the outbox: a sent one stays sent, one not
 * sent yet becomes failed (no job would ever send a queued one) to be sent again by hand, one refused for good keeps
 * its error, one without an address carries nothing.
 */
describe('the DropContactSheetMailings migration', () => {
  it('carries the mailings into outbox_messages and drops the table', async () => {
    const db = await createTestDatabase('csmailingsmig');
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(DropContactSheetMailings1796657279598));
    const ds = new DataSource({ ...dataSourceOptions(db.url, { embedded: false, poolSize: 1 }), migrations: before });
    try {
      await ds.initialize();
      await ds.runMigrations();
      const [customer] = await ds.query(`INSERT INTO customers (name) VALUES ('青澜钢铁集团有限公司') RETURNING id`);
      const [contract] = await ds.query(
        `INSERT INTO contracts (number, customer_id, project_name, signing_date, status, revision, total, created_by_name)
         VALUES ('HT2026-0007', $1, '料位计改造', '2026-06-12', 'active', 1, '1000.00', 'test') RETURNING id`,
        [customer.id],
      );
      const [sheet] = await ds.query(
        `INSERT INTO contact_sheets (contract_id, version, contract_revision, project_number, status, issued_at, issued_by_name)
         VALUES ($1, 1, 1, '2026-007', 'open', now(), 'test') RETURNING id`,
        [contract.id],
      );
      const docs: Record<string, string> = {};
      for (const d of ['finance', 'engineering', 'production']) {
        const [doc] = await ds.query(
          `INSERT INTO documents (type, subject_type, subject_id, title, latest_version) VALUES ($1, 'contract', $2, 'x', 2) RETURNING id`,
          [`contact-sheet-${d}`, contract.id],
        );
        docs[d] = doc.id;
      }
      const mailing = (stage: string, department: string, status: string, address: string | null, extra = {}) =>
        ds.query(
          `INSERT INTO contact_sheet_mailings (sheet_id, sheet_version, stage, department, document_version, address, status, message_id, attempts, error)
           VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            sheet.id,
            stage,
            department,
            stage === 'issued' ? 1 : 2,
            address,
            status,
            (extra as { messageId?: string }).messageId ?? null,
            (extra as { attempts?: number }).attempts ?? 0,
            (extra as { error?: string }).error ?? null,
          ],
        );
      await mailing('issued', 'finance', 'sent', 'caiwu@x.example', { messageId: '<m1@x>', attempts: 1 });
      await mailing('issued', 'engineering', 'no_address', null);
      await mailing('issued', 'production', 'sent', 'diaodu@x.example', { messageId: '<m2@x>', attempts: 2 });
      await mailing('completed', 'finance', 'failed', 'caiwu@x.example', { attempts: 3, error: 'server unreachable' });
      await mailing('completed', 'production', 'failed', 'diaodu@x.example', {
        attempts: 1,
        error: 'permanent: 550 no such user',
      });
      await mailing('completed', 'engineering', 'pending', 'jishu@x.example');
      await ds.destroy();

      const all = new DataSource(dataSourceOptions(db.url, { embedded: false, poolSize: 1 }));
      await all.initialize();
      await all.runMigrations();
      await all.destroy();

      expect(await db.query(`SELECT to_regclass('contact_sheet_mailings') AS t`)).toEqual([{ t: null }]);
      const rows = await db.query<Record<string, unknown>>(
        `SELECT key, subject_type, subject_id, audience, "to", subject, text, attachments, message_id, status, attempts,
                last_error, sent_at IS NOT NULL AS has_sent_at, job_id
         FROM outbox_messages ORDER BY key`,
      );
      const key = (stage: string, d: string) => `contact-sheet:${sheet.id}:${stage}:${d}`;
      expect(rows.map((r) => [r.key, r.status, r.has_sent_at])).toEqual([
        [key('completed', 'engineering'), 'failed', false],
        [key('completed', 'finance'), 'failed', false],
        [key('completed', 'production'), 'failed', false],
        [key('issued', 'finance'), 'sent', true],
        [key('issued', 'production'), 'sent', true],
      ]);
      const byKey = new Map(rows.map((r) => [r.key as string, r]));
      expect(byKey.get(key('issued', 'finance'))).toMatchObject({
        subject_type: 'contact-sheet',
        subject_id: sheet.id,
        audience: 'finance',
        to: ['caiwu@x.example'],
        subject: '合同联系单 2026-007（财务联）第1版 — 已出具，请会签',
        text:
          '财务部：\n\n合同 HT2026-0007（青澜钢铁集团有限公司，项目号 2026-007）的合同联系单财务联第 1 版已出具，请会签。\n' +
          '附件为联系单 PDF（电子签名）。\n',
        attachments: [
          { documentId: docs.finance, version: 1, format: 'pdf', fileName: '合同联系单-2026-007-财务联-v1.pdf' },
        ],
        message_id: '<m1@x>',
        attempts: 1,
        last_error: null,
        job_id: null,
      });
      expect(byKey.get(key('completed', 'finance'))).toMatchObject({
        subject: '合同联系单 2026-007（财务联）第1版 — 各部门已会签完毕',
        message_id: `<contact-sheet.${sheet.id}.completed.finance@tenderdesk>`,
        attempts: 3,
        last_error: expect.stringMatching(
          /^not sent when contact sheets moved to the outbox \(was failed: server unreachable\)/,
        ),
      });
      expect(byKey.get(key('completed', 'production'))!.last_error).toBe('permanent: 550 no such user');
      expect(byKey.get(key('completed', 'engineering'))).toMatchObject({
        to: ['jishu@x.example'],
        attachments: [expect.objectContaining({ documentId: docs.engineering, version: 2 })],
        last_error: expect.stringContaining('(was pending)'),
      });
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    }
  });
});
