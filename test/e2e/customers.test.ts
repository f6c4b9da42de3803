import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CustomersService } from '../../src/modules/customers/customers.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('customers', () => {
  let t: TestApp;
  let backoffice: string;
  let production: string;
  let salesA: { id: string; token: string };
  let salesB: { id: string; token: string };
  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
    patch: (path: string) => t.http().patch(path).auth(token, { type: 'bearer' }),
    delete: (path: string) => t.http().delete(path).auth(token, { type: 'bearer' }),
  });
  const snapshot = async () => ({
    customers: await t.db.query('SELECT * FROM customers ORDER BY id'),
    contacts: await t.db.query('SELECT * FROM customer_contacts ORDER BY id'),
    audit: (await t.db.query('SELECT id FROM audit_log')).length,
  });

  beforeAll(async () => {
    t = await startTestApp('customers');
    backoffice = (await t.userWith(['backoffice'])).token;
    production = (await t.userWith(['production'])).token;
    salesA = await t.userWith(['sales'], 'sales.zhang');
    salesB = await t.userWith(['sales'], 'sales.li');
  });
  afterAll(async () => {
    await t?.close();
  });

  const HAISHENG = {
    name: '华东海晟石化有限公司',
    nameEn: 'Huadong Haisheng Petrochemical Co., Ltd.',
    taxId: '91320200ma1n3ql60q', // lower case: checked as a USCC, stored in capitals
    address: '江苏省无锡市滨湖区石化路66号',
    phone: '0510-8520 7700',
    notes: '防爆要求 Ex d IIC T6',
    contacts: [
      { name: '孙立新', title: '仪表采购', phone: '138 0511 2233', email: 'sun@haisheng.example' },
      { name: '周敏', title: '财务部', email: 'ap@haisheng.example', billing: true },
    ],
  };

  it('creates a customer with contacts and a billing contact, and audits it', async () => {
    const res = await as(backoffice)
      .post('/api/customers')
      .send({ ...HAISHENG, salesOwnerId: salesA.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '华东海晟石化有限公司',
      taxId: '91320200MA1N3QL60Q',
      salesOwner: { id: salesA.id, name: 'sales.zhang' },
      archived: false,
      billingContact: { name: '周敏', email: 'ap@haisheng.example', billing: true },
    });
    expect(res.body.contacts.map((c: { name: string }) => c.name)).toEqual(['孙立新', '周敏']);
    expect(res.body.contacts[0]).toMatchObject({ title: '仪表采购', billing: false });
    const audit = await t.db.query<{ actor_name: string; details: { after: Record<string, unknown> } }>(
      "SELECT * FROM audit_log WHERE action = 'customer.create' AND entity_id = $1",
      [res.body.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details.after).toMatchObject({ name: '华东海晟石化有限公司', salesOwnerId: salesA.id });
  });

  it('refuses two billing contacts, a bad USCC, an unknown sales owner and a JSON number, changing nothing', async () => {
    const before = await snapshot();
    const two = await as(backoffice)
      .post('/api/customers')
      .send({
        name: '某公司',
        contacts: [
          { name: 'A', billing: true },
          { name: 'B', billing: true },
        ],
      });
    expect(two.status).toBe(400);
    expect(two.body.error).toMatchObject({
      code: 'MULTIPLE_BILLING_CONTACTS',
      details: { billing: ['contacts[0]', 'contacts[1]'] },
    });

    const uscc = await as(backoffice).post('/api/customers').send({ name: '某公司', taxId: '91320200MA1N3QL60R' });
    expect(uscc.status).toBe(400);
    expect(uscc.body.error.details.fields).toEqual([
      expect.objectContaining({ field: 'taxId', messages: [expect.stringMatching(/check character/)] }),
    ]);

    const owner = await as(backoffice)
      .post('/api/customers')
      .send({ name: '某公司', salesOwnerId: '00000000-0000-4000-8000-000000000000' });
    expect(owner.status).toBe(422);
    expect(owner.body.error.code).toBe('SALES_OWNER_NOT_FOUND');

    const number = await as(backoffice).post('/api/customers').send({ name: 12345 });
    expect(number.status).toBe(400);
    expect(number.body.error.details.fields[0].field).toBe('name');

    expect(await snapshot()).toEqual(before);
  });

  it('accepts a tax number that is not a USCC as it is', async () => {
    const res = await as(backoffice).post('/api/customers').send({ name: 'Andes Minería S.A.', taxId: '96-790-240-3' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ taxId: '96-790-240-3', salesOwner: null, contacts: [], billingContact: null });
  });

  it('lets every role read, production included', async () => {
    const list = await as(production).get('/api/customers');
    expect(list.status).toBe(200);
    const one = await as(production).get(`/api/customers/${list.body.items[0].id}`);
    expect(one.status).toBe(200);
    expect((await as(production).post('/api/customers').send({ name: 'x' })).status).toBe(403);
  });

  it('lets a sales user create and change only their own customers', async () => {
    const mine = await as(salesB.token)
      .post('/api/customers')
      .send({ name: '皖岭矿业有限公司', contacts: [{ name: '陈丽', billing: true }] });
    expect(mine.status).toBe(201);
    expect(mine.body.salesOwner).toEqual({ id: salesB.id, name: 'sales.li' });

    const forOther = await as(salesB.token)
      .post('/api/customers')
      .send({ name: '别人的客户', salesOwnerId: salesA.id });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.code).toBe('NOT_YOUR_RECORD');

    const before = await snapshot();
    // Another owner's customer is not in a sales user's list, nor readable or writable by id.
    expect((await as(salesB.token).get('/api/customers?q=海晟')).body.items).toEqual([]);
    const haisheng = (await as(backoffice).get('/api/customers?q=海晟')).body.items[0];
    const notMineRead = await as(salesB.token).get(`/api/customers/${haisheng.id}`);
    expect(notMineRead.status).toBe(403);
    expect(notMineRead.body.error.code).toBe('NOT_YOUR_RECORD');
    const notMine = await as(salesB.token).patch(`/api/customers/${haisheng.id}`).send({ phone: '110' });
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.code).toBe('NOT_YOUR_RECORD');
    const giveAway = await as(salesB.token).patch(`/api/customers/${mine.body.id}`).send({ salesOwnerId: salesA.id });
    expect(giveAway.status).toBe(403);
    expect(giveAway.body.error.code).toBe('NOT_YOUR_RECORD');
    expect((await as(salesB.token).delete(`/api/customers/${mine.body.id}`)).status).toBe(403);
    expect(await snapshot()).toEqual(before);

    const own = await as(salesB.token)
      .patch(`/api/customers/${mine.body.id}`)
      .send({
        phone: '0554-6622 8800',
        contacts: [
          { name: '冯强', title: '技术科' },
          { name: '陈丽', email: 'finance@wanling.example', billing: true },
        ],
      });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      phone: '0554-6622 8800',
      billingContact: { name: '陈丽', email: 'finance@wanling.example' },
    });
    expect(own.body.contacts).toHaveLength(2);
    expect(await t.db.query('SELECT id FROM customer_contacts WHERE customer_id = $1', [mine.body.id])).toHaveLength(2);
  });

  it('updates a customer, keeps what was not sent, and audits before and after', async () => {
    const { id } = (await as(backoffice).get('/api/customers?q=海晟')).body.items[0];
    const res = await as(backoffice)
      .patch(`/api/customers/${id}`)
      .send({ address: '江苏省无锡市新吴区石化路88号', nameEn: null, salesOwnerId: salesB.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      address: '江苏省无锡市新吴区石化路88号',
      nameEn: null,
      name: '华东海晟石化有限公司',
      salesOwner: { id: salesB.id },
    });
    expect(res.body.contacts).toHaveLength(2);
    const audit = await t.db.query<{ details: { before: Record<string, unknown>; after: Record<string, unknown> } }>(
      "SELECT details FROM audit_log WHERE action = 'customer.update' AND entity_id = $1",
      [id],
    );
    expect(audit[0].details).toMatchObject({
      before: { nameEn: 'Huadong Haisheng Petrochemical Co., Ltd.', salesOwnerId: salesA.id },
      after: { nameEn: null, salesOwnerId: salesB.id },
    });
    const nullName = await as(backoffice).patch(`/api/customers/${id}`).send({ name: null });
    expect(nullName.status).toBe(400);
    expect(nullName.body.error.details.fields[0].field).toBe('name');
  });

  it('finds 华东 in a customer name, filters by sales owner, sorts and pages', async () => {
    for (const name of ['华东青澜钢铁有限公司', '东岚发电有限公司', '澄江水务集团有限公司']) {
      expect((await as(backoffice).post('/api/customers').send({ name, salesOwnerId: salesA.id })).status).toBe(201);
    }
    const found = await as(production).get(`/api/customers?q=${encodeURIComponent('华东')}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((c: { name: string }) => c.name).sort()).toEqual([
      '华东海晟石化有限公司',
      '华东青澜钢铁有限公司',
    ]);
    expect(found.body.total).toBe(2);

    const english = await as(production).get('/api/customers?q=minería');
    expect(english.body.items.map((c: { name: string }) => c.name)).toEqual(['Andes Minería S.A.']);
    const byTaxId = await as(production).get('/api/customers?q=3ql60');
    expect(byTaxId.body.total).toBe(1);
    const literal = await as(production).get(`/api/customers?q=${encodeURIComponent('%')}`);
    expect(literal.body.total).toBe(0);

    const ownedByA = await as(production).get(`/api/customers?salesOwnerId=${salesA.id}&sort=createdAt&order=desc`);
    expect(ownedByA.body.items.map((c: { name: string }) => c.name)).toEqual([
      '澄江水务集团有限公司',
      '东岚发电有限公司',
      '华东青澜钢铁有限公司',
    ]);

    const page1 = await as(production).get('/api/customers?pageSize=2&page=1&sort=name');
    const page2 = await as(production).get('/api/customers?pageSize=2&page=2&sort=name');
    expect(page1.body).toMatchObject({ total: 6, page: 1, pageSize: 2 });
    expect(page1.body.items).toHaveLength(2);
    expect(page2.body.items).toHaveLength(2);
    const names = [...page1.body.items, ...page2.body.items].map((c: { name: string }) => c.name);
    expect(new Set(names).size).toBe(4); // no customer on both pages (name order itself is the server's collation)
    // Contacts come along on list pages too.
    const withContacts = (await as(production).get(`/api/customers?q=${encodeURIComponent('海晟')}`)).body.items[0];
    expect(withContacts.billingContact).toMatchObject({ name: '周敏' });

    const bad = await as(production).get('/api/customers?sort=taxId');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('sort');
  });

  it('archives on DELETE, hides archived customers from the list, and restores them', async () => {
    const target = (await as(backoffice).get(`/api/customers?q=${encodeURIComponent('东岚')}`)).body.items[0];
    const del = await as(backoffice).delete(`/api/customers/${target.id}`);
    expect(del.status).toBe(200);
    expect(del.body.archived).toBe(true);
    expect(await t.db.query('SELECT archived FROM customers WHERE id = $1', [target.id])).toEqual([{ archived: true }]);
    expect((await as(backoffice).get(`/api/customers?q=${encodeURIComponent('东岚')}`)).body.total).toBe(0);
    expect(
      (await as(backoffice).get(`/api/customers?archived=true`)).body.items.map((c: { id: string }) => c.id),
    ).toEqual([target.id]);
    expect((await as(backoffice).get(`/api/customers/${target.id}`)).body.archived).toBe(true);
    expect(
      await t.db.query("SELECT id FROM audit_log WHERE action = 'customer.archive' AND entity_id = $1", [target.id]),
    ).toHaveLength(1);

    const restore = await as(backoffice).patch(`/api/customers/${target.id}`).send({ archived: false });
    expect(restore.body.archived).toBe(false);
    expect((await as(backoffice).get('/api/customers/00000000-0000-4000-8000-000000000000')).body.error.code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
  });

  it('offers get and findByIds to other modules, with the billing contact', async () => {
    const ids = (await as(backoffice).get('/api/customers?pageSize=200')).body.items.map((c: { id: string }) => c.id);
    const svc = t.app.get(CustomersService);
    const found = await svc.findByIds([...ids, '00000000-0000-4000-8000-000000000000']);
    expect(found).toHaveLength(ids.length);
    const haisheng = found.find((c) => c.name === '华东海晟石化有限公司')!;
    expect((await svc.get(haisheng.id)).billingContact?.email).toBe('ap@haisheng.example');
  });
});
