// @ts-check
// The start page: what needs attention today, for the areas the user may open.
import { h, fill } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may, me, transitions } from '../lib/session.js';
import { errorBox, link, pageHead, spinner, statusBadge, table } from '../lib/ui.js';

function card(title, href, load) {
  const body = h('div', spinner());
  load().then(
    (node) => fill(body, node),
    (err) => fill(body, errorBox(err)),
  );
  return h('section.panel', h('h2', href ? link(href, title) : title), body);
}

export async function render(ctx) {
  const cards = [
    card(t('dash.qualifications'), '/app/qualifications?view=expiring', async () => {
      const rows = await api.get('/api/qualifications/expiring', { days: 60 });
      return table(
        [
          { key: 'name', label: t('q.name'), render: (q) => link(`/app/qualifications/${q.id}`, q.name) },
          { key: 'validTo', label: t('q.validTo'), className: 'nowrap' },
          { key: 'status', label: t('common.status'), render: (q) => statusBadge('qualificationStatus', q.status) },
        ],
        rows.slice(0, 8),
        { rowClass: (q) => `row-${q.status}`, empty: t('dash.noneExpiring') },
      );
    }),
  ];
  if (may('GET /api/tenders')) {
    cards.push(
      card(t('dash.tenders'), '/app/tenders', async () => {
        const page = await api.get('/api/tenders', { deadlineFrom: fmt.today(), pageSize: 8, order: 'asc' });
        return table(
          [
            {
              key: 'projectName',
              label: t('tender.project'),
              render: (x) => link(`/app/tenders/${x.id}`, x.projectName),
            },
            {
              key: 'deadline',
              label: t('tender.deadline'),
              render: (x) => fmt.dateTime(x.deadline),
              className: 'nowrap',
            },
            { key: 'status', label: t('common.status'), render: (x) => statusBadge('tenderStatus', x.status) },
          ],
          // Still open: the server's status machine has somewhere to go from its status.
          page.items.filter((x) => transitions().tender[x.status].length > 0),
          { empty: t('dash.noTenders') },
        );
      }),
    );
  }
  const quotationStatus = may('POST /api/quotations/:id/approve') ? 'submitted' : 'sent';
  cards.push(
    card(t(`dash.quotations.${quotationStatus}`), `/app/quotations?status=${quotationStatus}`, async () => {
      const page = await api.get('/api/quotations', { status: quotationStatus, pageSize: 8 });
      return table(
        [
          { key: 'number', label: t('quotation.number'), render: (x) => link(`/app/quotations/${x.id}`, x.number) },
          { key: 'customer', label: t('common.customer'), render: (x) => x.customer.name },
          { key: 'validUntil', label: t('quotation.validUntil'), className: 'nowrap' },
        ],
        page.items,
      );
    }),
    card(t('dash.contracts'), '/app/contracts?status=review_failed', async () => {
      const [failed, drafts] = await Promise.all([
        api.get('/api/contracts', { status: 'review_failed', pageSize: 5 }),
        api.get('/api/contracts', { status: 'draft', pageSize: 5 }),
      ]);
      return table(
        [
          { key: 'number', label: t('contract.number'), render: (x) => link(`/app/contracts/${x.id}`, x.number) },
          { key: 'customer', label: t('common.customer'), render: (x) => x.customer.name },
          { key: 'status', label: t('common.status'), render: (x) => statusBadge('contractStatus', x.status) },
        ],
        [...failed.items, ...drafts.items],
      );
    }),
  );
  fill(
    ctx.el,
    pageHead(t('dash.hello', { name: me.user.name }), [], t('dash.today', { date: fmt.today() })),
    h('div.cards', cards),
  );
}
