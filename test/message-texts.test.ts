import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { admin, startTestNode, type TestNode } from './support/node.js';
import { person, post, setUpWorld } from './support/fixtures.js';

/** Staff change a language's message texts in the console: checked, previewed, used for the next message, audited, reset. */
describe('message texts changed by staff', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({});
  });
  after(() => node.stop());

  const asAdmin = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) =>
    node.app.inject({ method, url, headers: admin, ...(payload ? { payload } : {}) });
  const textOf = (list: { texts: { key: string; text: string; shipped: string }[] }, key: string) => list.texts.find((t) => t.key === key)!;

  test('a changed Turkish SMS text is used for the next Turkish booking; the shipped text stays beside it', async () => {
    const before = (await asAdmin('GET', '/api/v1/admin/message-texts/tr')).json();
    assert.equal(before.texts.length, 20);
    assert.equal(textOf(before, 'confirmationSms').text, textOf(before, 'confirmationSms').shipped);

    const changed = 'Randevunuz alındı ({code}): {when}, {center}. Kimliğinizi getirin.';
    const saved = await asAdmin('PUT', '/api/v1/admin/message-texts/tr', { texts: { confirmationSms: changed } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(textOf(saved.json(), 'confirmationSms').text, changed);
    assert.notEqual(textOf(saved.json(), 'confirmationSms').shipped, changed);

    const w = await setUpWorld(node.app, { firstSlots: 1 });
    const hold = await post(node.app, '/api/v1/holds', { slotId: w.firstSlotIds[0] });
    const booking = await post(node.app, '/api/v1/bookings', { holdId: hold.body.holdId, person: person({ phone: '+491701234567' }), locale: 'tr' });
    assert.equal(booking.status, 201, JSON.stringify(booking.body));
    const sms = await node.db.query(`SELECT body_text FROM messages WHERE channel = 'sms' AND kind = 'confirmation' AND locale = 'tr'`);
    assert.equal(sms.rows.length, 1);
    assert.match(sms.rows[0].body_text, /^Randevunuz alındı \(\w{4}-?\w{4}\): .+\. Kimliğinizi getirin\.$/);

    const audit = await node.db.query(`SELECT target, before, after FROM audit_log WHERE action = 'edit message text'`);
    assert.deepEqual(audit.rows[0].target, { lang: 'tr', key: 'confirmationSms' });
    assert.equal(audit.rows[0].after.text, changed);

    const reset = await asAdmin('DELETE', '/api/v1/admin/message-texts/tr');
    assert.equal(reset.statusCode, 200);
    assert.equal(textOf(reset.json(), 'confirmationSms').text, textOf(reset.json(), 'confirmationSms').shipped);
  });

  test('a text must keep exactly the placeholders of the shipped one; unknown texts and languages are refused', async () => {
    const missing = await asAdmin('PUT', '/api/v1/admin/message-texts/de', { texts: { codeSms: 'Ihr Code kommt gleich.' } });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().code, 'VALIDATION_FAILED');
    assert.deepEqual(missing.json().placeholders, ['code']);
    assert.equal((await asAdmin('PUT', '/api/v1/admin/message-texts/de', { texts: { codeSms: '{code} {secret}' } })).statusCode, 400);
    assert.equal((await asAdmin('PUT', '/api/v1/admin/message-texts/de', { texts: { greeting: 'Hallo' } })).statusCode, 400);
    assert.equal((await asAdmin('PUT', '/api/v1/admin/message-texts/fr', { texts: { codeSms: '{code}' } })).statusCode, 400);
    assert.equal((await node.app.inject({ method: 'GET', url: '/api/v1/admin/message-texts/de' })).statusCode, 401);
    const rows = await node.db.query(`SELECT count(*)::int AS n FROM message_texts`);
    assert.equal(rows.rows[0].n, 0, 'nothing half-saved');
  });

  test('the preview renders every message on a sample booking with unsaved texts and saves nothing', async () => {
    const preview = await asAdmin('POST', '/api/v1/admin/message-texts/ar/preview', { texts: { booked: 'تم حجز مواعيدك بنجاح.' } });
    assert.equal(preview.statusCode, 200, preview.body);
    const messages: { kind: string; channel: string; subject: string; text: string }[] = preview.json().messages;
    assert.deepEqual(
      messages.map((m) => `${m.kind}/${m.channel}`),
      ['code/email', 'code/sms', 'confirmation/email', 'confirmation/sms', 'cancellation/email', 'reminder/email', 'offer/email', 'offer/sms'],
    );
    assert.match(messages[2]!.text, /تم حجز مواعيدك بنجاح\./);
    assert.match(messages[2]!.text, /ABCD-2345/);
    const list = (await asAdmin('GET', '/api/v1/admin/message-texts/ar')).json();
    assert.equal(textOf(list, 'booked').text, textOf(list, 'booked').shipped, 'a preview saves nothing');
  });
});
