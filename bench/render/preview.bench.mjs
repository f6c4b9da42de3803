// The real template through the API: POST /api/templates/customer-statement/preview (sample.json) on the built
// service (dist/main.js, a child process, its own throw-away database), for each printer in turn, against the
// API's own floor (GET /api/users/me) measured the same way. Not part of `npm test`.
//   npm run build && npm run bench:preview          (BENCH_PRINTERS=headless-shell to measure one printer only)
import {
  call,
  createDeployment,
  load,
  machine,
  percentile,
  requireDist,
  say,
  waitForApi,
} from '../api-load/service.mjs';

requireDist();
const PRINTERS = (process.env.BENCH_PRINTERS ?? 'headless-shell,chromium').split(',');
const N = Number(process.env.BENCH_N ?? 30);
const median = (xs) => percentile(xs, 50);
const ms = (x) => `${Math.round(x)} ms`;

say(`machine: ${machine()}, load average ${load()} at start`);
const figures = {};
for (const printer of PRINTERS) {
  // CHROMIUM_PATH empty: the printer's default binary, whatever the shell running the bench has set.
  const deployment = await createDeployment(`preview_${printer.replace(/-/g, '_')}`, {
    // Not production: that wants a company certificate and a PUBLIC_URL, and a preview signs nothing and mails nothing.
    NODE_ENV: 'development',
    PRINTER: printer,
    CHROMIUM_PATH: '',
    DEMO_DATA: 'false',
    RATE_LIMIT_RENDER: 'off',
  });
  try {
    const api = deployment.spawn('main.js');
    await waitForApi(deployment, api);
    const request = (path, init = {}) =>
      fetch(`${deployment.base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${deployment.token}`, ...(init.headers ?? {}) },
      }).then(async (res) => {
        const body = Buffer.from(await res.arrayBuffer());
        if (!res.ok) throw new Error(`${path}: ${res.status} ${body.toString('utf8', 0, 300)}`);
        return body;
      });
    const preview = (format) =>
      request(`/api/templates/customer-statement/preview?format=${format}`, { method: 'POST' });
    const health = await fetch(`${deployment.base}/health`, {
      headers: { authorization: `Bearer ${deployment.token}` },
    }).then((r) => r.json());
    if (health.checks.browser.status !== 'up') throw new Error(`the browser is ${health.checks.browser.status}`);
    for (let i = 0; i < 5; i++) await preview('pdf'); // the browser launched and warm
    const times = { floor: [], html: [], pdf: [], docx: [] };
    let size = 0;
    // Interleaved, one of each per round: the shared machine's load drifts.
    for (let i = 0; i < N; i++) {
      for (const key of Object.keys(times)) {
        const t = performance.now();
        if (key === 'floor') await request('/api/users/me');
        else size = key === 'pdf' ? (await preview(key)).length : (await preview(key), size);
        times[key].push(performance.now() - t);
      }
    }
    const tput = {};
    for (const c of [1, 2, 4]) {
      const total = c * 10;
      let next = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: c }, async () => {
          while (next++ < total) await preview('pdf');
        }),
      );
      tput[c] = total / ((performance.now() - t) / 1000);
    }
    figures[printer] = { ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])), tput };
    const f = figures[printer];
    say(
      `PRINTER=${printer} (${health.checks.browser.kind}): preview?format=pdf median ${ms(f.pdf)} (${Math.round(size / 1024)} KB), html ${ms(f.html)}, docx ${ms(f.docx)}; ` +
        `GET /api/users/me ${ms(f.floor)}; pdf throughput at concurrency 1/2/4: ${[1, 2, 4].map((c) => tput[c].toFixed(1)).join(' / ')} docs/s`,
    );
  } finally {
    await deployment.cleanup();
  }
}
if (figures['headless-shell'] && figures.chromium) {
  const [s, c] = [figures['headless-shell'], figures.chromium];
  say(
    `headless shell vs full Chromium: preview pdf ${(c.pdf / s.pdf).toFixed(1)}× faster; best throughput ` +
      `${(Math.max(...Object.values(s.tput)) / Math.max(...Object.values(c.tput))).toFixed(1)}×`,
  );
}
say(`load average at the end: ${load()}`);
