import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobsService } from '../../src/modules/jobs/jobs.service.js';
import { StatementRunScheduler } from '../../src/modules/statement-runs/statement-run.scheduler.js';
import { StatementRunsService } from '../../src/modules/statement-runs/statement-runs.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, sleep, startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { pdfText, squash } from '../support/tools.js';

const CUSTOMERS = 200;
/** Customers without a billing e-mail: three have a billing contact without one, two only a main contact with one. */
const NO_BILLING_EMAIL = new Set([17, 58, 99, 140, 181]);
const BILLING_BUT_NO_EMAIL = new Set([17, 99, 181]);
/** Customers with a contract (signed in the period); the first of them with an advance payment on it too. */
const WITH_CONTRACT = [3, 104, 160];

const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
  email: 'sales@ecsi.example',
  bankAccounts: [
    {
      bankName: '中国工商银行',
      branch: '苏州吴中支行',
      accountName: '华东智能仪表有限公司',
      accountNumber: '1102 0206 0900 0088 123',
    },
  ],
};

const pad = (n: number) => String(n).padStart(3, '0');
const nameOf = (n: number) => `对账测试客户${pad(n)}有限公司`;
const emailOf = (n: number) => `ar${pad(n)}@customer${pad(n)}.example`;

function dateIso(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
const daysFromToday = (days: number) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return dateIso(d);
};

interface ItemView {
  id: string;
  customerId: string;
  customerName: string;
  status: string;
  reason: string | null;
  email: string | null;
  statementId: string | null;
  statementNumber: string | null;
  confirmation: string | null;
  mail: { id: string; status: string; attempts: number; lastError: string | null; sentAt: string | null } | null;
}
interface RunView {
  id: string;
  period: { from: string | null; to: string };
  trigger: string;
  status: string;
  total: number;
  counts: Record<'pending' | 'rendered' | 'sent' | 'failed' | 'skipped', number>;
  statementsIssued: number;
  progress: number;
  error: string | null;
  finishedAt: string | null;
  items: { items: ItemView[]; total: number; page: number; pageSize: number };
}

describe('statement runs', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  const tokens: Record<string, string> = {};
  /** customer number -> id */
  const ids = new Map<number, string>();
  const from = daysFromToday(-20);
  const to = daysFromToday(0);

  const as = (role: string) => ({
    get: (path: string) => t.http().get(path).auth(tokens[role], { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(tokens[role], { type: 'bearer' }),
    put: (path: string) => t.http().put(path).auth(tokens[role], { type: 'bearer' }),
  });
  const run = async (id: string, query = '') => {
    const res = await as('finance').get(`/api/statement-runs/${id}${query}`);
    expect(res.status).toBe(200);
    return res.body as RunView;
  };
  const allItems = async (id: string): Promise<ItemView[]> => {
    const items: ItemView[] = [];
    for (let page = 1; ; page++) {
      const view = await run(id, `?itemsPage=${page}&itemsPageSize=70`);
      items.push(...view.items.items);
      if (items.length >= view.items.total || view.items.items.length === 0) return items;
    }
  };

  beforeAll(async () => {
    // The SMTP server exists (its port is the app's SMTP_URL) but does not listen yet: the run starts during an outage.
    smtp = await startSmtp({ listen: false });
    t = await startTestApp('statementruns', {
      SMTP_URL: smtp.url,
      MAIL_RETRY_DELAY_SECONDS: '1',
      MAIL_RETRY_LIMIT: '30',
    });
    for (const role of ['finance', 'backoffice', 'manager', 'sales', 'production']) {
      tokens[role] = (await t.userWith([role], `${role}-user`)).token;
    }

    // The statements name their issuer.
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);

    // 200 customers in one import: billing contact with an e-mail, except five.
    const header = '客户名称,联系人,联系人邮箱,开票联系人,开票联系人电话,开票联系人邮箱';
    const rows = Array.from({ length: CUSTOMERS }, (_, i) => {
      const n = i + 1;
      if (BILLING_BUT_NO_EMAIL.has(n)) return `${nameOf(n)},,,财务${n},0512-6000 ${pad(n)},`;
      if (NO_BILLING_EMAIL.has(n)) return `${nameOf(n)},采购${n},buyer${pad(n)}@customer${pad(n)}.example,,,`;
      return `${nameOf(n)},,,财务${n},,${emailOf(n)}`;
    });
    const imported = await as('backoffice')
      .post('/api/customers/import')
      .attach('file', Buffer.from([header, ...rows].join('\n'), 'utf8'), 'customers.csv');
    expect(imported.status).toBe(200);
    expect(imported.body.written).toBe(CUSTOMERS);
    const list = await as('backoffice').get(`/api/customers?pageSize=200`);
    for (const c of list.body.items as { id: string; name: string }[]) {
      const n = Number(/对账测试客户(\d{3})/.exec(c.name)?.[1]);
      if (n) ids.set(n, c.id);
    }
    expect(ids.size).toBe(CUSTOMERS);

    // Ledger activity in the period: a few contracts (manual, approved), a payment without a contract for the others.
    for (const n of WITH_CONTRACT) {
      const c = await as('backoffice')
        .post('/api/contracts')
        .send({
          customerId: ids.get(n),
          projectName: `在线分析仪 ${n}`,
          signingDate: daysFromToday(-10),
          lines: [{ name: '在线水质分析仪', unit: '台', qty: '2', unitPrice: '31850.00', taxRate: '13' }],
          paymentTerms: [
            { percent: '30', event: 'contract_signed', days: 7 },
            { percent: '70', event: 'before_delivery' },
          ],
        });
      expect(c.status).toBe(201);
      await as('backoffice').post(`/api/contracts/${c.body.id}/review`);
      const ok = await as('manager')
        .post(`/api/contracts/${c.body.id}/approve`)
        .send({ reason: '手工合同，总经理批准' });
      expect(ok.body.status).toBe('approved');
      if (n === WITH_CONTRACT[0]) {
        const paid = await as('finance')
          .post('/api/payments')
          .send({
            customerId: ids.get(n),
            contractId: c.body.id,
            date: daysFromToday(-5),
            amount: '20000.00',
            method: 'bank_transfer',
            nature: 'advance',
          });
        expect(paid.status).toBe(201);
      }
    }
    const payers = [...ids.keys()].filter((n) => !WITH_CONTRACT.includes(n));
    for (let i = 0; i < payers.length; i += 8) {
      const results = await Promise.all(
        payers.slice(i, i + 8).map((n) =>
          as('finance')
            .post('/api/payments')
            .send({
              customerId: ids.get(n),
              date: daysFromToday(-3),
              amount: `${1000 + n}.50`,
              method: 'bank_transfer',
              nature: 'other',
              reference: `HX${pad(n)}`,
            }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    }
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('refuses a period that ends before it starts or in the future, and bad input, and writes no run', async () => {
    const invalid = await as('finance').post('/api/statement-runs').send({ from: to, to: from });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('STATEMENT_PERIOD_INVALID');
    const future = await as('finance')
      .post('/api/statement-runs')
      .send({ to: daysFromToday(1) });
    expect(future.status).toBe(422);
    expect(future.body.error.code).toBe('STATEMENT_PERIOD_INVALID');
    const badDate = await as('finance').post('/api/statement-runs').send({ to: '2026-02-30' });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.code).toBe('VALIDATION_FAILED');
    const badLocale = await as('finance').post('/api/statement-runs').send({ to, locale: 'fr' });
    expect(badLocale.status).toBe(400);
    expect((await as('sales').post('/api/statement-runs').send({ to })).status).toBe(403);
    expect((await as('production').post('/api/statement-runs').send({ to })).status).toBe(403);
    expect((await as('production').get('/api/statement-runs')).status).toBe(403);
    expect((await as('sales').get('/api/statement-runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await t.db.query('SELECT count(*)::int AS n FROM statement_runs')).toEqual([{ n: 0 }]);
  });

  it('mails every statement exactly once over an SMTP outage and lists the customers without a billing e-mail', async () => {
    const started = await as('finance').post('/api/statement-runs').send({ from, to });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ trigger: 'manual', period: { from, to }, jobId: expect.any(String) });
    // Queued, or already being planned by its job.
    expect(['queued', 'running']).toContain(started.body.status);
    const runId = started.body.id as string;

    // The outage: messages are written and their first attempts fail while nothing listens.
    await until(
      'messages that failed an attempt while the SMTP server was down',
      async () => {
        const [{ n }] = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox_messages WHERE attempts > 0 AND last_error IS NOT NULL`,
        );
        // A run that fails early would never get there: say why at once instead of waiting out the timeout.
        const jobErrors = await t.db.query<{ name: string; error: string }>(
          `SELECT name, error FROM jobs WHERE name LIKE 'statement-run.%' AND error IS NOT NULL LIMIT 3`,
        );
        const view = await run(runId, '?status=failed&itemsPageSize=3');
        if (view.status !== 'running' && view.status !== 'queued') throw new Error(`run ${view.status}: ${view.error}`);
        if (view.counts.failed || jobErrors.length)
          throw new Error(`failures: ${JSON.stringify({ items: view.items.items, jobErrors })}`);
        return n;
      },
      (n) => n >= 5,
      600_000,
      250,
    );
    expect(smtp.received).toHaveLength(0);
    const duringOutage = await run(runId);
    expect(duringOutage.status).toBe('running');
    expect(duringOutage.total).toBe(CUSTOMERS);
    expect(duringOutage.counts.sent).toBe(0);
    expect(duringOutage.progress).toBeLessThan(100);
    await smtp.start();

    // Progress as the report shows it, until the run is completed.
    const seen: number[] = [];
    const done = await until(
      'the run completed',
      async () => {
        const view = await run(runId, '?itemsPageSize=1');
        seen.push(view.progress);
        return view;
      },
      (view) => view.status === 'completed',
      1_500_000,
      1000,
    ).catch(async (err: Error) => {
      // What the items still pending are waiting for: their jobs.
      const stuck = await t.db.query(
        `SELECT i.customer_name, i.status, j.status AS job, j.attempts, j.error, j.created_at, j.started_at, j.finished_at
           FROM statement_run_items i LEFT JOIN jobs j ON j.payload->>'itemId' = i.id::text
          WHERE i.run_id = $1 AND i.status = 'pending'`,
        [runId],
      );
      throw new Error(`${err.message}\npending items and their jobs: ${JSON.stringify(stuck)}`);
    });
    expect(done.progress).toBe(100);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1])).toBe(true);
    expect(done.finishedAt).not.toBeNull();
    expect(done.total).toBe(CUSTOMERS);
    expect(done.counts).toEqual({ pending: 0, rendered: 0, sent: 195, failed: 0, skipped: 5 });
    expect(Object.values(done.counts).reduce((a, b) => a + b, 0)).toBe(done.total);
    expect(done.statementsIssued).toBe(195);

    // The skipped customers, each with its reason.
    const skipped = await run(runId, '?status=skipped');
    expect(skipped.items.total).toBe(5);
    expect(skipped.items.items.map((i) => i.customerName).sort()).toEqual([...NO_BILLING_EMAIL].map(nameOf).sort());
    for (const item of skipped.items.items) {
      expect(item.reason).toBe(`NO_BILLING_EMAIL: ${item.customerName} has no billing contact with an e-mail`);
      expect(item).toMatchObject({ email: null, statementId: null, mail: null });
    }

    // Every item, page by page: sent ones have their statement and their message's record.
    const items = await allItems(runId);
    expect(items).toHaveLength(CUSTOMERS);
    expect(new Set(items.map((i) => i.id)).size).toBe(CUSTOMERS);
    const sent = items.filter((i) => i.status === 'sent');
    expect(sent).toHaveLength(195);
    for (const item of sent) {
      const n = Number(/对账测试客户(\d{3})/.exec(item.customerName)![1]);
      expect(item.email).toBe(emailOf(n));
      expect(item.statementId).toEqual(expect.any(String));
      expect(item.statementNumber).toMatch(/^DZ\d{4}-\d{5}$/);
      expect(item.confirmation).toBe('pending');
      expect(item.mail).toMatchObject({ status: 'sent', lastError: null });
      expect(item.mail!.attempts).toBeGreaterThanOrEqual(1);
    }
    // The outage was seen by the messages themselves: some needed more than one attempt.
    expect(sent.filter((i) => i.mail!.attempts > 1).length).toBeGreaterThanOrEqual(5);
    expect(new Set(sent.map((i) => i.statementId)).size).toBe(195);
    expect(await t.db.query('SELECT count(*)::int AS n FROM statements WHERE run_id = $1', [runId])).toEqual([
      { n: 195 },
    ]);

    // What the SMTP server received: one message per statement, each to its billing address, with its PDF.
    expect(smtp.received).toHaveLength(195);
    const messageIds = smtp.received.map((m) => m.messageId);
    expect(new Set(messageIds).size).toBe(195);
    const outbox = await t.db.query<{ message_id: string; to: string[]; subject_id: string }>(
      `SELECT message_id, "to", subject_id FROM outbox_messages WHERE id = ANY($1::uuid[])`,
      [sent.map((i) => i.mail!.id)],
    );
    expect(outbox.map((m) => m.message_id).sort()).toEqual([...messageIds].sort());
    const byMessageId = new Map(outbox.map((m) => [m.message_id, m]));
    const itemByStatement = new Map(sent.map((i) => [i.statementId!, i]));
    for (let i = 0; i < smtp.received.length; i += 4) {
      await Promise.all(
        smtp.received.slice(i, i + 4).map(async (mail) => {
          const record = byMessageId.get(mail.messageId)!;
          const item = itemByStatement.get(record.subject_id)!;
          expect(mail.rcptTo).toEqual([item.email]);
          const parsed = await parseMail(mail);
          expect(parsed.subject).toContain(item.statementNumber!);
          const pdfs = parsed.attachments.filter((a) => a.contentType === 'application/pdf');
          expect(pdfs).toHaveLength(1);
          expect(pdfs[0].content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
          const text = squash(await pdfText(pdfs[0].content));
          expect(text).toContain(squash(item.customerName));
          expect(text).toContain(item.statementNumber!);
        }),
      );
    }

    // The list shows the run with the same counts.
    const listed = await as('sales').get('/api/statement-runs');
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({ id: runId, status: 'completed', progress: 100, counts: done.counts });
    expect(listed.body.items[0].items).toBeUndefined();

    // Nothing more arrives once the run is completed (no retried job sends a second copy).
    await sleep(3000);
    expect(smtp.received).toHaveLength(195);
  }, 1_800_000);

  it('makes a new run for each start by hand, but one monthly run per period', async () => {
    // January 2020: before any activity, so nobody is listed and no mail is sent.
    const first = await as('backoffice').post('/api/statement-runs').send({ from: '2020-01-01', to: '2020-01-31' });
    const second = await as('manager').post('/api/statement-runs').send({ from: '2020-01-01', to: '2020-01-31' });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.id).not.toBe(second.body.id);
    expect([first.body.trigger, second.body.trigger]).toEqual(['manual', 'manual']);

    const runs = t.app.get(StatementRunsService);
    const monthly = await runs.createMonthly('2020-01-01', '2020-01-31');
    expect(monthly).toMatchObject({
      trigger: 'monthly',
      periodTo: '2020-01-31',
      createdBy: null,
      createdByName: 'system',
    });
    // A second process making the same monthly run gets nothing: the unique index refused its insert.
    expect(await runs.createMonthly('2020-01-01', '2020-01-31')).toBeNull();
    await expect(
      t.db.query(
        `INSERT INTO statement_runs (period_from, period_to, trigger, status, created_by_name)
         VALUES ('2020-01-01', '2020-01-31', 'monthly', 'queued', 'another process')`,
      ),
    ).rejects.toMatchObject({ code: '23505' });
    // No STATEMENT_RUN_DAY in this app: no monthly run is due, whatever the date.
    expect(await runs.startMonthly('2020-02-15')).toBeNull();

    for (const id of [first.body.id as string, second.body.id as string, monthly!.id]) {
      const view = await until(
        `run ${id} completed`,
        () => run(id),
        (v) => v.status === 'completed',
        60_000,
        200,
      );
      expect(view).toMatchObject({ total: 0, progress: 100, items: { total: 0 } });
    }
    expect(
      await t.db.query(
        `SELECT trigger, count(*)::int AS n FROM statement_runs WHERE period_to = '2020-01-31' GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { trigger: 'manual', n: 2 },
      { trigger: 'monthly', n: 1 },
    ]);
  }, 120_000);

  it('fails the item whose render job died with its process on the last attempt, and completes the run', async () => {
    // A run as a worker killed mid-render on the job's last attempt leaves it: the item pending, its job `running`
    // in the jobs table with no change since long before its lease ended (nobody is left to record anything).
    const [stuckRun] = await t.db.query<{ id: string }>(
      `INSERT INTO statement_runs (period_from, period_to, trigger, status, total, created_by_name)
       VALUES ($1, $2, 'manual', 'running', 1, 'test') RETURNING id`,
      [from, to],
    );
    const [item] = await t.db.query<{ id: string }>(
      `INSERT INTO statement_run_items (run_id, customer_id, customer_name, status, email)
       VALUES ($1, $2, $3, 'pending', $4) RETURNING id`,
      [stuckRun!.id, ids.get(1), nameOf(1), emailOf(1)],
    );
    const job = (payload: object, since: string) =>
      t.db.query<{ id: string }>(
        `INSERT INTO jobs (name, status, attempts, max_attempts, payload, started_at, updated_at)
         VALUES ('statement-run.item', 'running', 4, 4, $1, now() - $2::interval, now() - $2::interval) RETURNING id`,
        [payload, since],
      );
    const [dead] = await job({ runId: stuckRun!.id, itemId: item!.id, locale: null }, '2 hours');
    // A last attempt still within its lease is alive: left alone.
    const [alive] = await job({ runId: stuckRun!.id, itemId: '00000000-0000-4000-8000-000000000000', locale: null }, '1 second');
    expect((await run(stuckRun!.id)).counts).toMatchObject({ pending: 1 });

    const marked = await t.app.get(JobsService).failAbandoned();
    expect(marked).toContain(dead!.id);
    expect(marked).not.toContain(alive!.id);
    const [deadRow] = await t.db.query<{ status: string; error: string; finished_at: Date | null }>(
      'SELECT status, error, finished_at FROM jobs WHERE id = $1',
      [dead!.id],
    );
    expect(deadRow).toMatchObject({ status: 'failed', finished_at: expect.any(Date) });
    expect(deadRow!.error).toMatch(/^the last attempt did not finish within its lease of \d+ s/);

    // The report settles the item from its job and completes the run.
    const view = await run(stuckRun!.id);
    expect(view).toMatchObject({ status: 'completed', progress: 100 });
    expect(view.counts).toEqual({ pending: 0, rendered: 0, sent: 0, failed: 1, skipped: 0 });
    expect(view.items.items[0]!.reason).toBe(`RENDER_FAILED: ${deadRow!.error}`);
    await t.db.query(`UPDATE jobs SET status = 'failed' WHERE id = $1`, [alive!.id]);
  });
});

describe('the monthly statement run schedule (STATEMENT_RUN_DAY)', () => {
  // Day 1: the monthly run for the previous month is due whatever today's date. No customers: nothing is rendered.
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
  });

  const runs = async (app: TestApp) =>
    app.db.query<{
      trigger: string;
      period_from: string;
      period_to: string;
      created_by: string | null;
      created_by_name: string;
    }>(
      `SELECT trigger, to_char(period_from, 'YYYY-MM-DD') AS period_from, to_char(period_to, 'YYYY-MM-DD') AS period_to,
              created_by, created_by_name FROM statement_runs ORDER BY created_at`,
    );

  it('makes no run in a process that does not run jobs', async () => {
    const api = await startTestApp('statementruns_nojobs', { STATEMENT_RUN_DAY: '1', API_RUNS_JOBS: 'false' });
    try {
      await api.app.get(StatementRunScheduler).check();
      expect(await runs(api)).toEqual([]);
    } finally {
      await api.close();
    }
  }, 60_000);

  it("makes the previous month's run at start in a process that runs jobs, once however often it checks or races", async () => {
    t = await startTestApp('statementruns_monthly', { STATEMENT_RUN_DAY: '1' });
    const now = new Date();
    const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
    const last = new Date(now.getFullYear(), now.getMonth(), 0);
    const iso = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const expected = {
      trigger: 'monthly',
      period_from: iso(first),
      period_to: iso(last),
      created_by: null,
      created_by_name: 'system',
    };
    // Made at start-up (the check runs in the bootstrap), before any request.
    expect(await runs(t)).toEqual([expected]);
    // The 10-minute check again: still one.
    await t.app.get(StatementRunScheduler).check();
    const service = t.app.get(StatementRunsService);
    expect(await service.startMonthly()).toBeNull();
    expect(await runs(t)).toEqual([expected]);
    // Two processes inserting the same monthly run at the same moment: one insert wins, the other gets nothing.
    const raced = await Promise.all([
      service.createMonthly('2019-05-01', '2019-05-31'),
      service.createMonthly('2019-05-01', '2019-05-31'),
    ]);
    expect(raced.filter((r) => r === null)).toHaveLength(1);
    expect(raced.find((r) => r !== null)).toMatchObject({ trigger: 'monthly', periodTo: '2019-05-31' });
    expect(await runs(t)).toEqual([expected, { ...expected, period_from: '2019-05-01', period_to: '2019-05-31' }]);

    const finance = (await t.userWith(['finance'])).token;
    const listed = await t.http().get('/api/statement-runs').auth(finance, { type: 'bearer' });
    expect(listed.body.total).toBe(2);
    const id = (listed.body.items as { id: string; period: { to: string } }[]).find(
      (r) => r.period.to === expected.period_to,
    )!.id;
    const done = await until(
      'the monthly run completed',
      async () => (await t!.http().get(`/api/statement-runs/${id}`).auth(finance, { type: 'bearer' })).body,
      (v: { status: string }) => v.status === 'completed',
      60_000,
      200,
    );
    expect(done).toMatchObject({
      trigger: 'monthly',
      total: 0,
      progress: 100,
      createdBy: { id: null, name: 'system' },
    });
  }, 90_000);
});
