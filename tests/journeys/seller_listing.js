// A farmer lists a product from a phone: creates it, adds a variant with price and stock,
// uploads a photo from disk (with the progress bar; and without JavaScript, the plain form),
// sends it for review; the commune officer approves it; buyers see it.
const { BASE, page, shot, expect, text, run } = require('./lib');

const PHOTO = process.env.PHOTO;
const PASSWORD = process.env.PASSWORD;

async function signIn(browser, login, options = {}) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, ...options });
  await p.goto(`${BASE}/dang-nhap`);
  await p.fill('#login', login);
  await p.fill('#password', PASSWORD);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/\/tai-khoan/);
  return p;
}

async function list(browser, { javaScript, name }) {
  const p = await signIn(browser, process.env.FARMER, { javaScriptEnabled: javaScript });
  await p.goto(`${BASE}/ban-hang`);
  await p.fill('#name_vi', name);
  await p.fill('#description_vi', 'Sấy lạnh, giữ vị ngọt của nhãn lồng.');
  await p.click('details.add form button[type=submit]');
  await p.waitForURL(/\/ban-hang\/san-pham\/.+\?ok=1/);
  const editor = p.url().split('?')[0];
  await p.click('details.add:has(form.variant) summary');
  await p.fill('#label-new', 'Hộp 500 g');
  await p.selectOption('#unit-new', 'box');
  await p.fill('#weight-new', '500');
  await p.fill('#price-new', '120.000');
  await p.fill('#stock-new', '30');
  await p.click('form.variant:has(#label-new) button[type=submit]');
  await p.waitForURL(/\?ok=1/);
  expect((await text(p)).includes('Đã lưu'), 'the variant is saved');
  // From the plain address, so the upload's own `?ok=1` is what the next wait sees.
  await p.goto(editor);
  await p.fill('#photo-alt', 'Hộp nhãn sấy');
  await p.setInputFiles('#photo-files', [PHOTO]);
  if (javaScript) {
    // Wait for the island to hydrate, then upload over a slow line to see the progress bar.
    await p.waitForSelector('form.upload[data-live]', { timeout: 15000 });
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 100000 });
    await p.click('form.upload button[type=submit]');
    await p.waitForSelector('form.upload progress', { timeout: 10000 });
    await shot(p, 'listing-uploading-360');
    await p.waitForURL(/\?ok=1/, { timeout: 60000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  } else {
    await p.click('form.upload button[type=submit]');
    await p.waitForURL(/\?ok=1/);
  }
  expect((await p.$$('.photo-list img')).length === 1, 'the photo is listed');
  const src = await p.getAttribute('.photo-list img', 'src');
  expect(src.startsWith('/media/photos/'), 'the cleaned copy is served from media');
  await p.click('form:has(input[value=publish]) button');
  await p.waitForURL(/\?ok=1/);
  expect((await text(p)).includes('Chờ duyệt'), 'the listing awaits review');
  if (javaScript) await shot(p, 'listing-editor-360');
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
}

run('farmer lists a product, officer approves it', async (browser) => {
  const name = 'Nhãn lồng sấy dẻo';
  await list(browser, { javaScript: true, name });
  await list(browser, { javaScript: false, name: 'Long nhãn túi 200 g' });

  const officer = await signIn(browser, process.env.OFFICER);
  await officer.goto(`${BASE}/can-bo`);
  const queue = officer.locator('li.queue-item', { hasText: name });
  await queue.locator('input[value=approve] + button, form:has(input[value=approve]) button').first().click();
  await officer.waitForURL(/ok=approved/);
  await shot(officer, 'officer-approved-360');

  const buyer = await page(browser, { viewport: { width: 360, height: 800 } });
  await buyer.goto(`${BASE}/san-pham/nhan-long-say-deo`);
  const product = await text(buyer);
  expect(product.includes(name) && product.includes('120.000'), 'buyers see the approved listing');
  expect(await buyer.$('.gallery img') !== null, 'with its photo');
  await shot(buyer, 'listing-public-360');
});
