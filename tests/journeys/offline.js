// Offline capture (#26): a farmer opens the plot page on a phone while online (the service worker
// keeps it), loses the connection, opens the page again (from the phone's copy), records a
// spraying with a photo and a harvest; both wait on the phone, listed as such. The connection
// returns: the queue is sent, the page shows exactly one new entry with its photo and an intact
// chain, and the harvest — inside the spraying's pre-harvest interval — is refused with the
// server's reason shown against it, until the farmer discards it. The same queued spraying sent
// again (a lost answer) changes nothing.
const { BASE, page, shot, expect, text, choose, run, until } = require('./lib');

const PHONE = { width: 360, height: 800 };
const PLOT = process.env.PLOT;
const PHOTO = process.env.PHOTO;
const FARMER = process.env.FARMER;
const PASSWORD = process.env.PASSWORD;

function today() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

async function entries(p) {
  return (await p.$$('ol.timeline > li.entry, ol.timeline > li.entry.superseded')).length;
}


const pending = (p) => p.$$eval('#offline-queue li.pending-entry', (els) => els.length);

async function ready(p) {
  await p.waitForSelector('#offline-queue[data-offline-ready]', { state: 'attached', timeout: 20000 });
}

async function record(p, fields) {
  const form = 'form.entry-form';
  await p.selectOption(`${form} select[name=kind]`, fields.kind);
  await p.fill(`${form} input[name=occurred_on]`, today());
  for (const [name, value] of Object.entries(fields.text || {})) {
    await p.fill(`${form} [name=${name}]`, value);
  }
  if (fields.lot) await choose(p, `${form} select[name=lot_id]`, fields.lot);
  if (fields.photo) await p.setInputFiles(`${form} input.offline-photos`, [fields.photo]);
  await p.click(`${form} button[type=submit]`);
}

run('a farmer records offline; the entries are sent when the connection returns', async (browser) => {
  const p = await page(browser, { viewport: PHONE });
  const context = p.context();
  await p.goto(`${BASE}/dang-nhap`);
  await p.fill('#login', FARMER);
  await p.fill('#password', PASSWORD);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/\/tai-khoan/);

  // Online: a lot for the harvest, then the plot page is kept for offline reading.
  const plotUrl = `${BASE}/nong-trai/vuon/${PLOT}`;
  await p.goto(plotUrl);
  await p.click('details.add:has(input[name=lot_code]) summary');
  await p.fill('input[name=lot_code]', 'OFF-2026-01');
  await p.click('form:has(input[name=lot_code]) button[type=submit]');
  await p.waitForURL(/ok=1/);
  await p.goto(plotUrl);
  await ready(p);
  const before = await entries(p);
  const name = await p.textContent('main h1');
  expect(before > 0, 'the demo plot has entries');

  // Offline: the page comes from the phone's copy; the two entries wait on the phone.
  await context.setOffline(true);
  await p.reload();
  expect((await p.textContent('main h1')) === name, 'the plot page opens offline');
  expect(await entries(p) === before, 'with its entries');
  expect((await text(p)).includes('Đang mất mạng'), 'the page says it is offline');
  await record(p, {
    kind: 'spraying',
    text: { input_name: 'Daconil 500SC', active_ingredient: 'Chlorothalonil', target: 'Thán thư',
      dose: '20 ml/bình 16 lít', phi_days: '7' },
    photo: PHOTO,
  });
  await p.waitForSelector('#offline-queue li.pending-entry');
  await record(p, { kind: 'harvest', lot: 'OFF-2026-01', text: { quantity_kg: '50' } });
  await until(async () => (await pending(p)) === 2, 'two entries wait');
  const waiting = await p.textContent('#offline-queue');
  expect(waiting.includes('Đang chờ gửi (2)'), `the page says what waits: ${waiting}`);
  expect(waiting.includes('Phun thuốc BVTV') && waiting.includes('Daconil 500SC') && waiting.includes('1 ảnh'),
    `the spraying with its photo: ${waiting}`);
  expect(waiting.includes('Thu hoạch'), `and the harvest: ${waiting}`);
  expect(await entries(p) === before, 'nothing new on the timeline yet');
  await shot(p, 'offline-waiting-360');
  // A copy of the queued spraying, to send it again later as a phone would after a lost answer.
  await p.evaluate(async () => {
    const [spraying] = (await window.FarmQueue.all()).filter((i) => i.fields.kind === 'spraying');
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('journey-stash', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: 'client_id' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction('items', 'readwrite');
      tx.objectStore('items').put(spraying);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  });

  // Online again: the queue is sent and the page reloads with the server's timeline.
  await context.setOffline(false);
  await p.waitForSelector('#offline-queue li.pending-entry.refused', { timeout: 30000 });
  await until(async () => (await entries(p)) === before + 1, 'the new entry on the timeline');
  expect(await entries(p) === before + 1, 'exactly one new entry');
  const last = p.locator('ol.timeline > li').last();
  const lastText = await last.textContent();
  expect(lastText.includes('Daconil 500SC'), `the new entry is the spraying: ${lastText}`);
  expect((await last.locator('.entry-photos img').count()) === 1, 'with its photo');
  const chain = await p.textContent('p.chain');
  expect(chain.includes('Nguyên vẹn') && chain.includes(`${before + 1} ghi chép`), `the chain is intact: ${chain}`);
  const refused = await p.textContent('#offline-queue li.pending-entry.refused');
  expect(refused.includes('Thu hoạch') && refused.includes('cách ly') && refused.includes('Daconil 500SC'),
    `the harvest is refused with the reason: ${refused}`);
  expect((await p.textContent('#offline-queue')).includes('Đang chờ gửi (0)'), 'nothing else waits');
  await shot(p, 'offline-sent-360');

  // The same spraying sent again (its answer lost): stored once, its photo once.
  const resend = p.evaluate(async () => {
    const db = await new Promise((resolve) => {
      const r = indexedDB.open('journey-stash', 1);
      r.onsuccess = () => resolve(r.result);
    });
    const item = await new Promise((resolve) => {
      const r = db.transaction('items').objectStore('items').getAll();
      r.onsuccess = () => resolve(r.result[0]);
    });
    await window.FarmQueue.put(item);
    window.dispatchEvent(new Event('online'));
  });
  // Sent, the page reloads.
  await Promise.all([p.waitForNavigation({ timeout: 30000 }), resend]);
  await p.waitForSelector('#offline-queue');
  const left = await p.evaluate(async () => (await window.FarmQueue.all()).filter((i) => i.state !== 'refused').length);
  expect(left === 0, 'the resent spraying left the queue');
  expect(await entries(p) === before + 1, 'the resent spraying is not stored again');
  expect((await p.locator('ol.timeline > li').last().locator('.entry-photos img').count()) === 1, 'nor its photo');

  // The refusal is discarded by the farmer.
  await p.click('#offline-queue li.refused button.discard');
  await until(async () => (await pending(p)) === 0, 'the refusal is gone');
  expect(p.problems.every((m) => m.includes('ERR_INTERNET_DISCONNECTED') || m.includes('Failed to load resource')),
    `no console errors: ${p.problems.join('; ')}`);
  await context.close();
});
