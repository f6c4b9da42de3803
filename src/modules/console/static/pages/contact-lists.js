// @ts-check
// Issued contract contact lists (合同联系清单): the list of the contracts signed in a period, issued to finance
// (amounts) or production (no amount) as a signed, stored document and mailed through the outbox; the issued ones
// with their downloads. The server decides who may issue (POST route in /api/meta) and which lists one reads.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { enumOptions, t, tEnum } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { enumValues, may } from '../lib/session.js';
import {
  button,
  download,
  formView,
  linkButton,
  listView,
  muted,
  navigate,
  pageHead,
  statusBadge,
  toast,
} from '../lib/ui.js';

export async function render(ctx) {
  const [id] = ctx.params;
  if (id === 'new') return issue(ctx);
  return list(ctx);
}

const periodText = (p) => `${p.from ?? t('clist.open')} – ${p.to ?? t('clist.open')}`;
const mailStatus = (l) =>
  l.mail.length ? statusBadge('mailStatus', l.mail.at(-1).status) : muted(t('clist.notMailed'));
const fileButtons = (l) =>
  h(
    'span.actions',
    l.document.formats.map((f) =>
      button(f === 'pdf' ? t('common.downloadPdf') : t('common.downloadDocx'), () =>
        download(`/api/contracts/contact-lists/${l.id}/file`, { format: f }),
      ),
    ),
  );

function list(ctx) {
  return listView(ctx, {
    title: t('nav.contact-lists'),
    actions: [
      may('POST /api/contracts/contact-lists')
        ? linkButton(t('clist.issue'), '/app/contact-lists/new', 'primary')
        : null,
    ],
    sub: t('clist.help'),
    load: (q) => api.get('/api/contracts/contact-lists', q),
    columns: [
      { key: 'number', label: t('clist.number'), className: 'nowrap' },
      { key: 'audience', label: t('clist.audience'), render: (l) => tEnum('contactListAudience', l.audience) },
      { key: 'period', label: t('statement.period'), render: (l) => periodText(l.period) },
      { key: 'contractCount', label: t('clist.contracts'), align: 'right', render: (l) => String(l.contractCount) },
      { key: 'issuedAt', label: t('clist.issued'), render: (l) => `${fmt.dateTime(l.issuedAt)} ${l.issuedBy.name}` },
      { key: 'mail', label: t('delivery.mail'), render: mailStatus },
      { key: 'files', label: t('common.download'), render: fileButtons },
    ],
  });
}

function issue(ctx) {
  // Default: last month, the period a back office issues at the start of a month.
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const last = new Date(now.getFullYear(), now.getMonth(), 0);
  const from = `${last.getFullYear()}-${pad(last.getMonth() + 1)}-01`;
  const to = `${last.getFullYear()}-${pad(last.getMonth() + 1)}-${pad(last.getDate())}`;
  const form = formView(
    [
      {
        name: 'audience',
        label: t('clist.audience'),
        type: 'select',
        required: true,
        options: enumOptions('contactListAudience', enumValues('contactListAudience')),
      },
      { name: 'from', label: t('statement.from'), type: 'date' },
      { name: 'to', label: t('statement.to'), type: 'date' },
      { name: 'mailTo', label: t('clist.mailTo'), type: 'text', wide: true, help: t('clist.mailToHelp') },
    ],
    { audience: 'finance', from, to },
    {
      submitLabel: t('clist.issue'),
      cancelHref: '/app/contact-lists',
      onSubmit: async (v) => {
        const mailTo = String(v.mailTo ?? '')
          .split(/[,;，；\s]+/)
          .filter(Boolean);
        const body = { audience: v.audience, ...(v.from ? { from: v.from } : {}), ...(v.to ? { to: v.to } : {}) };
        const issued = await api.post('/api/contracts/contact-lists', mailTo.length ? { ...body, mailTo } : body);
        toast(t('clist.issued.done', { number: issued.number }));
        navigate('/app/contact-lists', { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(t('clist.issue'), [], t('clist.issueHelp')), form);
}
