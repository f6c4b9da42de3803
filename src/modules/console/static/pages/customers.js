// @ts-check
// Customers with their contacts: list, detail (with the customer's quotations, contracts and payments), form, import.
import { fill, h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { LANG_NAMES, LANGS, t } from '../lib/i18n.js';
import * as fmt from '../lib/format.js';
import { canSeePrices, may, me, ownerOptions } from '../lib/session.js';
import {
  badge,
  button,
  clean,
  confirmAction,
  exportButtons,
  fieldList,
  formView,
  importPanel,
  link,
  linkButton,
  listView,
  navigate,
  pageHead,
  rowsEditor,
  section,
  showError,
  spinner,
  statusBadge,
  table,
  toast,
} from '../lib/ui.js';

export async function render(ctx) {
  const [id, sub] = ctx.params;
  if (!id) return list(ctx);
  if (id === 'new') return edit(ctx, null);
  if (id === 'import') return importView(ctx);
  if (sub === 'edit') return edit(ctx, id);
  return detail(ctx, id);
}

function list(ctx) {
  const query = Object.fromEntries(ctx.query);
  return listView(ctx, {
    title: t('nav.customers'),
    actions: [
      may('POST /api/customers') ? linkButton(t('customer.new'), '/app/customers/new', 'primary') : null,
      may('POST /api/customers/import') ? linkButton(t('common.import'), '/app/customers/import') : null,
      ...exportButtons('/api/customers/export', query),
    ],
    filters: [
      { name: 'q', label: t('common.search'), placeholder: t('customer.searchHint'), wide: true },
      { name: 'archived', type: 'checkbox', label: t('customer.archivedOnly') },
    ],
    load: (q) => api.get('/api/customers', q),
    columns: [
      {
        key: 'name',
        label: t('customer.name'),
        render: (c) => [link(`/app/customers/${c.id}`, c.name), c.nameEn ? h('div.muted', c.nameEn) : null],
      },
      { key: 'taxId', label: t('customer.taxId'), render: (c) => c.taxId ?? '' },
      { key: 'salesOwner', label: t('customer.salesOwner'), render: (c) => c.salesOwner?.name ?? '' },
      {
        key: 'billing',
        label: t('customer.billingContact'),
        render: (c) =>
          c.billingContact
            ? [c.billingContact.name, h('div.muted', c.billingContact.email ?? '')]
            : h('span.muted', t('customer.noBilling')),
      },
      { key: 'phone', label: t('customer.phone'), render: (c) => c.phone ?? '' },
      { key: 'updatedAt', label: t('common.updatedAt'), render: (c) => fmt.date(c.updatedAt), className: 'nowrap' },
    ],
  });
}

async function detail(ctx, id) {
  const c = await api.get(`/api/customers/${id}`);
  if (!ctx.alive()) return;
  const actions = [];
  if (may('PATCH /api/customers/:id')) actions.push(linkButton(t('common.edit'), `/app/customers/${id}/edit`));
  if (may('DELETE /api/customers/:id') && !c.archived) {
    actions.push(
      button(
        t('customer.archive'),
        async () => {
          if (!(await confirmAction(t('customer.archiveConfirm', { name: c.name })))) return;
          await api.of(c).del(`/api/customers/${id}`);
          toast(t('customer.archived'));
          ctx.reload();
        },
        { kind: 'danger' },
      ),
    );
  }
  if (may('PATCH /api/customers/:id') && c.archived) {
    actions.push(
      button(
        t('customer.restore'),
        async () => (await api.of(c).patch(`/api/customers/${id}`, { archived: false }), ctx.reload()),
      ),
    );
  }
  const related = h('div', spinner());
  fill(
    ctx.el,
    pageHead(c.name, actions, [c.nameEn, c.archived ? badge(t('customer.archivedBadge'), 'bad') : null]),
    h(
      'div.cols',
      section(
        t('customer.details'),
        fieldList([
          [t('customer.taxId'), c.taxId],
          [t('customer.phone'), c.phone],
          [t('customer.address'), c.address],
          [t('customer.salesOwner'), c.salesOwner?.name],
          [t('customer.locale'), c.locale ? LANG_NAMES[c.locale] : t('customer.localeCompany')],
          [t('customer.notes'), c.notes],
          [t('common.updatedAt'), fmt.dateTime(c.updatedAt)],
        ]),
      ),
      section(
        t('customer.contacts'),
        table(
          [
            { key: 'name', label: t('contact.name') },
            { key: 'title', label: t('contact.title') },
            { key: 'phone', label: t('contact.phone') },
            { key: 'email', label: t('contact.email') },
            {
              key: 'billing',
              label: t('contact.billing'),
              render: (x) => (x.billing ? badge(t('contact.billing'), 'ok') : ''),
            },
          ],
          c.contacts,
        ),
      ),
    ),
    may('PUT /api/reminders/opt-outs/customers/:id') ? await reminderOptOut(id) : null,
    related,
  );
  fill(related, ...(await relatedRecords(id)));
}

/** The customer's opt-out from customer-facing reminders (statement reminders to its billing contact). */
async function reminderOptOut(id) {
  /** @type {{ customerOptedOut: boolean | null }} */
  const state = await api.get('/api/reminders/opt-outs', { customerId: id });
  const box = h('input', { type: 'checkbox', name: 'customer-reminder-opt-out', checked: !!state.customerOptedOut });
  box.addEventListener('change', async () => {
    try {
      await api.put(`/api/reminders/opt-outs/customers/${id}`, { optedOut: box.checked });
      toast(t('reminders.optOutSaved'));
    } catch (err) {
      box.checked = !box.checked;
      showError(err);
    }
  });
  return section(
    t('nav.reminders'),
    h('label.check', box, t('reminders.customerOptOut')),
    h('p.muted', t('reminders.customerOptOutHelp')),
  );
}

/** The customer's quotations, contracts and payments (as far as the user may read them). */
async function relatedRecords(customerId) {
  const prices = canSeePrices();
  const out = [];
  const [quotations, contracts] = await Promise.all([
    api.get('/api/quotations', { customerId, pageSize: 10 }),
    api.get('/api/contracts', { customerId, pageSize: 10 }),
  ]);
  out.push(
    section(
      t('nav.quotations'),
      table(
        [
          { key: 'number', label: t('quotation.number'), render: (x) => link(`/app/quotations/${x.id}`, x.number) },
          { key: 'projectName', label: t('common.project') },
          { key: 'issueDate', label: t('quotation.issueDate') },
          {
            key: 'total',
            label: t('common.total'),
            align: 'right',
            hidden: !prices,
            render: (x) => fmt.money(x.total, x.currency),
          },
          { key: 'status', label: t('common.status'), render: (x) => statusBadge('quotationStatus', x.status) },
        ],
        quotations.items,
      ),
    ),
    section(
      t('nav.contracts'),
      table(
        [
          { key: 'number', label: t('contract.number'), render: (x) => link(`/app/contracts/${x.id}`, x.number) },
          { key: 'projectName', label: t('common.project') },
          { key: 'projectNumber', label: t('contract.projectNumber'), render: (x) => x.projectNumber ?? '' },
          {
            key: 'total',
            label: t('common.total'),
            align: 'right',
            hidden: !prices,
            render: (x) => fmt.money(x.total, x.currency),
          },
          { key: 'status', label: t('common.status'), render: (x) => statusBadge('contractStatus', x.status) },
        ],
        contracts.items,
      ),
    ),
  );
  if (may('GET /api/receivables/customers/:id')) {
    const a = await api.get(`/api/receivables/customers/${customerId}`);
    out.unshift(
      section(
        t('recv.account'),
        h(
          'p',
          t('recv.balance'),
          ' ',
          h('strong', fmt.money(a.closingBalance, a.customer.currency)),
          ' · ',
          link(`/app/receivables/customers/${customerId}`, t('recv.details')),
        ),
        table(
          ['notDue', 'days1to30', 'days31to60', 'days61to90', 'over90', 'unappliedCredit'].map((b) => ({
            key: b,
            label: t(`recv.bucket.${b}`),
            align: 'right',
            render: (x) => fmt.money(x[b], a.customer.currency),
          })),
          [a.aging],
        ),
      ),
    );
    const statements = await api.get('/api/statements', { customerId, pageSize: 5 });
    out.push(
      section(
        t('nav.statements'),
        h(
          'div.toolbar',
          linkButton(t('statement.new'), `/app/statements/new?customerId=${customerId}`),
          link(`/app/statements?customerId=${customerId}`, t('statement.all')),
        ),
        table(
          [
            { key: 'number', label: t('statement.number'), render: (x) => link(`/app/statements/${x.id}`, x.number) },
            { key: 'issuedOn', label: t('statement.issuedOn') },
            {
              key: 'closingBalance',
              label: t('recv.balance'),
              align: 'right',
              render: (x) => fmt.money(x.closingBalance, x.currency),
            },
            {
              key: 'response',
              label: t('statement.response'),
              render: (x) => statusBadge('statementResponse', x.response.status),
            },
          ],
          statements.items,
        ),
      ),
    );
    const payments = await api.get('/api/payments', { customerId, pageSize: 10 });
    out.push(
      section(
        t('nav.payments'),
        table(
          [
            { key: 'date', label: t('payment.date'), render: (x) => link(`/app/payments/${x.id}`, x.date) },
            { key: 'contract', label: t('contract.number'), render: (x) => x.contract?.number ?? '' },
            { key: 'nature', label: t('payment.nature'), render: (x) => statusBadge('paymentNature', x.nature) },
            {
              key: 'amount',
              label: t('payment.amount'),
              align: 'right',
              render: (x) => fmt.money(x.amount, x.currency),
            },
          ],
          payments.items,
        ),
      ),
    );
  }
  return out;
}

async function edit(ctx, id) {
  const c = id ? await api.get(`/api/customers/${id}`) : { contacts: [] };
  const owners = await ownerOptions(c.salesOwner, t('common.me'));
  if (!ctx.alive()) return;
  const contacts = rowsEditor({
    columns: [
      { key: 'name', label: t('contact.name') },
      { key: 'title', label: t('contact.title') },
      { key: 'phone', label: t('contact.phone') },
      { key: 'email', label: t('contact.email'), type: 'email' },
      { key: 'billing', label: t('contact.billing'), type: 'radio', group: 'billing' },
    ],
    rows: c.contacts,
    blank: () => ({ billing: false }),
    addLabel: t('contact.add'),
  });
  const values = { ...c, salesOwnerId: c.salesOwner?.id ?? (id ? '' : me.user.id) };
  const form = formView(
    [
      { name: 'name', label: t('customer.name'), required: true },
      { name: 'nameEn', label: t('customer.nameEn') },
      { name: 'taxId', label: t('customer.taxId'), help: t('customer.taxIdHelp') },
      { name: 'phone', label: t('customer.phone') },
      { name: 'address', label: t('customer.address'), wide: true },
      { name: 'salesOwnerId', label: t('customer.salesOwner'), type: 'select', options: owners },
      {
        name: 'locale',
        label: t('customer.locale'),
        type: 'select',
        options: LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] })),
        emptyLabel: t('customer.localeCompany'),
        help: t('customer.localeHelp'),
      },
      { name: 'notes', label: t('customer.notes'), type: 'textarea', wide: true },
      { type: 'heading', name: 'contacts-h', label: t('customer.contacts') },
      {
        name: 'contacts',
        label: '',
        type: 'custom',
        wide: true,
        render: () => ({ el: contacts.el, get: () => contacts.value() }),
      },
    ],
    values,
    {
      cancelHref: id ? `/app/customers/${id}` : '/app/customers',
      onSubmit: async (v) => {
        const body = clean({ ...v, contacts: undefined }, { nulls: !!id });
        body.contacts = v.contacts
          .filter((x) => x.name || x.email || x.phone)
          .map((x) => clean({ name: x.name, title: x.title, phone: x.phone, email: x.email, billing: x.billing }));
        const saved = id ? await api.of(c).patch(`/api/customers/${id}`, body) : await api.post('/api/customers', body);
        toast(t('common.saved'));
        navigate(`/app/customers/${saved.id}`, { replace: true });
      },
    },
  );
  fill(ctx.el, pageHead(id ? t('customer.edit', { name: c.name }) : t('customer.new')), form);
}

function importView(ctx) {
  fill(
    ctx.el,
    pageHead(t('customer.import'), [linkButton(t('common.back'), '/app/customers')]),
    section(null, h('p.muted', t('customer.importHelp')), importPanel({ path: '/api/customers/import' })),
  );
}
