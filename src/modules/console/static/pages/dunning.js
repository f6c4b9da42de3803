// @ts-check
// Dunning (催款): each overdue customer with the level due today (friendly / firm / final), its last letter and the
// total overdue; a letter issued from the list (signed PDF + DOCX, mailed with the current statement); a letter's
// page with its items, its mail and its PDF. Amounts only: production never gets here.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { may } from '../lib/session.js';
import {
  badge,
  button,
  download,
  fieldList,
  link,
  linkButton,
  muted,
  pageHead,
  preview,
  section,
  statusBadge,
  table,
  toast,
} from '../lib/ui.js';

const LEVEL_KIND = { friendly: 'muted', firm: 'warn', final: 'bad' };
const levelBadge = (level) => (level ? badge(t(`dunning.level.${level}`), LEVEL_KIND[level] ?? 'muted') : muted('—'));

export async function render(ctx) {
  const [kind, id] = ctx.params;
  if (kind === 'letters' && id) return letter(ctx, id);
  return list(ctx);
}

async function list(ctx) {
  const l = await api.get('/api/dunning');
  if (!ctx.alive()) return;
  const mayIssue = may('POST /api/dunning/letters');
  const issue = async (c) => {
    const res = await api.post('/api/dunning/letters', { customerId: c.customer.id });
    toast(
      res.created
        ? t('dunning.issued', { number: res.letter.number })
        : t('dunning.already', { number: res.letter.number }),
    );
    ctx.reload();
  };
  const run = async () => {
    await api.post('/api/dunning/run', {});
    toast(t('dunning.runQueued'));
  };
  fill(
    ctx.el,
    pageHead(
      t('nav.dunning'),
      [
        may('POST /api/dunning/run') ? button(t('dunning.runAll'), run, { name: 'dunning-run' }) : null,
        may('GET /api/receivables/overdue') ? linkButton(t('nav.receivables'), '/app/receivables') : null,
      ],
      [
        `${t('recv.asOf')} ${l.asOf}`,
        t('dunning.thresholds', {
          friendly: l.thresholds.friendly,
          firm: l.thresholds.firm,
          final: l.thresholds.final,
        }),
      ],
    ),
    table(
      [
        {
          key: 'customer',
          label: t('common.customer'),
          render: (c) => link(`/app/receivables/customers/${c.customer.id}`, c.customer.name),
        },
        { key: 'owner', label: t('customer.salesOwner'), render: (c) => c.salesOwner?.name ?? '' },
        { key: 'items', label: t('dunning.items'), align: 'right', render: (c) => String(c.itemCount) },
        { key: 'max', label: t('recv.maxDays'), align: 'right', render: (c) => String(c.maxDaysOverdue) },
        { key: 'total', label: t('recv.overdue'), align: 'right', render: (c) => h('strong', fmt.money(c.total)) },
        { key: 'level', label: t('dunning.levelDue'), render: (c) => levelBadge(c.levelDue) },
        {
          key: 'last',
          label: t('dunning.lastLetter'),
          render: (c) =>
            c.lastLetter
              ? h(
                  'span',
                  levelBadge(c.lastLetter.level),
                  ' ',
                  link(`/app/dunning/letters/${c.lastLetter.id}`, c.lastLetter.number),
                  h('span.nowrap', ` · ${c.lastLetter.issuedOn}`),
                )
              : muted(t('dunning.never')),
        },
        {
          key: 'mail',
          label: t('dunning.mailTo'),
          render: (c) => (c.billingEmail ? c.billingEmail : badge(t(`dunning.skip.${c.mailSkipReason}`), 'warn')),
        },
        {
          key: 'actions',
          label: '',
          render: (c) =>
            mayIssue && c.levelDue && !c.issuedToday
              ? button(t('dunning.issue'), () => issue(c), { kind: 'primary', name: `issue-${c.customer.id}` })
              : c.issuedToday
                ? muted(t('dunning.issuedToday'))
                : null,
        },
      ],
      l.customers,
      {
        empty: t('recv.none'),
        rowClass: (c) => (c.levelDue === 'final' ? 'row-expired' : c.levelDue === 'firm' ? 'row-expiring' : null),
      },
    ),
  );
}

async function letter(ctx, id) {
  const base = `/api/dunning/letters/${id}`;
  const d = await api.get(base);
  if (!ctx.alive()) return;
  fill(
    ctx.el,
    pageHead(
      `${t(`dunning.level.${d.level}`)} ${d.number}`,
      [
        button(`${t('common.download')} PDF`, () => download(`${base}/file`, { format: 'pdf' }), {
          name: 'download-pdf',
        }),
        button(`${t('common.download')} DOCX`, () => download(`${base}/file`, { format: 'docx' }), {
          name: 'download-docx',
        }),
        linkButton(t('nav.dunning'), '/app/dunning'),
      ],
      [d.customer.name, d.issuedOn],
    ),
    h(
      'div.cols',
      section(
        t('dunning.letter'),
        fieldList([
          [t('dunning.levelDue'), levelBadge(d.level)],
          [t('common.customer'), link(`/app/receivables/customers/${d.customer.id}`, d.customer.name)],
          [t('recv.overdue'), h('strong', fmt.money(d.total, d.currency))],
          [t('recv.maxDays'), String(d.maxDaysOverdue)],
          [
            t('dunning.statement'),
            d.statementId ? link(`/app/statements/${d.statementId}`, t('dunning.attached')) : '—',
          ],
          [t('dunning.issuedBy'), `${d.createdBy.name} · ${fmt.dateTime(d.createdAt)}`],
        ]),
      ),
      section(
        t('dunning.mail'),
        d.mailSkipReason
          ? h('p', badge(t(`dunning.skip.${d.mailSkipReason}`), 'warn'))
          : table(
              [
                {
                  key: 'to',
                  label: t('sheet.address'),
                  render: (m) => [...m.to, ...m.cc.map((c) => `Cc ${c}`)].join(', '),
                },
                { key: 'status', label: t('common.status'), render: (m) => statusBadge('mailStatus', m.status) },
                { key: 'sentAt', label: t('delivery.sentAt'), render: (m) => fmt.dateTime(m.sentAt) },
                { key: 'lastError', label: t('sheet.error'), render: (m) => m.lastError ?? '' },
              ],
              d.mail,
            ),
      ),
    ),
    section(
      t('dunning.items'),
      table(
        [
          {
            key: 'contract',
            label: t('nav.contracts'),
            render: (i) => link(`/app/contracts/${i.contractId}`, i.contractNumber),
          },
          { key: 'description', label: t('dunning.item'), render: (i) => i.description },
          { key: 'invoices', label: t('nav.invoices'), render: (i) => i.invoices.join(', ') },
          { key: 'dueDate', label: t('delivery.dueDate'), render: (i) => i.dueDate },
          { key: 'days', label: t('dunning.days'), align: 'right', render: (i) => String(i.daysOverdue) },
          {
            key: 'outstanding',
            label: t('delivery.outstanding'),
            align: 'right',
            render: (i) => fmt.money(i.outstanding, d.currency),
          },
        ],
        d.items,
      ),
    ),
    section(
      t('dunning.document'),
      preview(() => api.blob(`${base}/file`, { format: 'pdf' }), { title: d.number }),
    ),
  );
}
