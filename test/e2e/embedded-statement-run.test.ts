import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAIN, freePort, requireBuild, runNode, waitForHttp, type Running } from '../support/process.js';

interface RunReport {
  id: string;
  status: string;
  total: number;
  progress: number;
  counts: { pending: number; rendered: number; sent: number; failed: number; skipped: number };
  items: { items: { customerName: string; status: string; reason: string | null }[]; total: number };
}

/**
 * A statement run on the embedded default (`make start`: PGlite with its single connection, mail written to
 * STORAGE_DIR/outbox) over the demo data, with the report read while the run's jobs work. A job that held the one
 * connection while waiting for a second one stalled the whole service here (no answer to any request).
 */
describe('statement run on the embedded default', () => {
  let dir: string;
  let api: Running;
  let base: string;
  const token = 'embedded-statement-run-admin-token';

  beforeAll(async () => {
    requireBuild();
    dir = await mkdtemp(join(tmpdir(), 'td-embedded-run-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = runNode(MAIN, {
      STORAGE_DIR: join(dir, 'storage'),
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: token,
      DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(`${base}/health`, api);
  }, 120_000);

  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill('SIGKILL');
    await api?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  /** Every request must be answered within 15 s, even while the run's renders hold the browser pool. */
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });

  it('renders and mails every customer with a balance, answering the report and other reads meanwhile', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const delivery = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
    // The demo data has quotations but no contract: the demo quotations accepted and contracted, so that their
    // customers owe something.
    const quotations = (await (await call('/api/quotations?pageSize=100')).json()) as {
      items: { id: string; status: string }[];
    };
    let contracted = 0;
    for (const q of quotations.items.filter((x) => x.status === 'sent' || x.status === 'approved')) {
      if (q.status === 'approved') {
        const sent = await call(`/api/quotations/${q.id}/send`, { method: 'POST', body: '{}' });
        if (sent.status >= 300) continue;
      }
      expect((await call(`/api/quotations/${q.id}/accept`, { method: 'POST', body: '{}' })).status).toBeLessThan(300);
      const contract = await call('/api/contracts', {
        method: 'POST',
        body: JSON.stringify({ quotationId: q.id, signingDate: today, deliveryDate: delivery }),
      });
      expect(contract.status).toBe(201);
      const { id } = (await contract.json()) as { id: string };
      const review = await call(`/api/contracts/${id}/review`, { method: 'POST', body: '{}' });
      expect(((await review.json()) as { passed: boolean }).passed).toBe(true);
      contracted += 1;
    }
    expect(contracted).toBeGreaterThan(0);

    const started = await call('/api/statement-runs', { method: 'POST', body: JSON.stringify({ to: today }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as RunReport;

    let report: RunReport | undefined;
    let reads = 0;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const res = await call(`/api/statement-runs/${id}`);
      expect(res.status).toBe(200);
      report = (await res.json()) as RunReport;
      // Another module's read in the same moment: the service as a whole must keep answering.
      expect((await call('/api/customers?pageSize=5')).status).toBe(200);
      reads += 1;
      if (report.status === 'completed' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(report.status).toBe('completed');
    expect(reads).toBeGreaterThan(1); // read while running, not only after
    expect(report.total).toBeGreaterThan(0);
    expect(report.progress).toBe(100);
    const c = report.counts;
    expect(c.pending + c.rendered + c.failed).toBe(0);
    expect(c.sent + c.skipped).toBe(report.total);
    expect(c.sent).toBeGreaterThan(0);
    for (const item of report.items.items.filter((i) => i.status === 'skipped')) expect(item.reason).toMatch(/^NO_BILLING_EMAIL/);

    // Without SMTP_URL the outbox writes each message as an .eml file: one per statement sent.
    const outbox = join(dir, 'storage', 'outbox');
    const emls = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThanOrEqual(c.sent);
  }, 200_000);
});
