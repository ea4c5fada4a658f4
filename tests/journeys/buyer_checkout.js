// A buyer on a phone (360 × 800) finds the longan by searching without diacritics (and, with
// JavaScript, sees suggestions while typing), checks a lot's traceability page, puts two
// producers' products in the cart and checks out, once with cash on delivery and once with a
// VietQR transfer; then the same with JavaScript off. Fresh longan, which its producer sends
// only to the neighbouring provinces, is refused for the same Hồ Chí Minh City address, line by
// line, and nothing is ordered.
const { BASE, page, shot, expect, text, run } = require('./lib');

// From the home page's search box, typed without diacritics, to the product.
async function findLongan(p, { javaScript, shots }) {
  await p.goto(`${BASE}/`);
  await p.fill('#header-q', 'nhan long');
  await p.press('#header-q', 'Enter');
  await p.waitForURL(/\/tim-kiem\?q=nhan\+long/);
  expect((await text(p)).includes('kết quả cho'), 'search results are listed');
  expect((await p.$$('.search-results mark')).length > 0, 'the matched words are marked');
  if (shots) await shot(p, 'search-360');
  await p.click('.search-results a[href="/san-pham/nhan-long-hung-yen"]');
  await p.waitForURL(/\/san-pham\/nhan-long-hung-yen$/);
  await checkLot(p, { shots });
  if (javaScript) {
    await p.goto(`${BASE}/tim-kiem`);
    await p.waitForSelector('.search-box[data-live="1"]');
    const asked = [];
    const count = (r) => { if (r.url().includes('/api/v1/suggestions')) asked.push(r.url()); };
    p.on('request', count);
    await p.type('#q', 'mat o', { delay: 40 });
    await p.waitForSelector('#q-suggestions a[href="/san-pham/mat-ong-hoa-nhan"]');
    p.off('request', count);
    // Typed in one go: the box waits for a pause rather than asking at every letter (4 times).
    expect(asked.length >= 1 && asked.length < 4, `suggestions asked ${asked.length} times: ${asked}`);
    if (shots) await shot(p, 'search-suggestions-360');
    await p.goto(`${BASE}/san-pham/nhan-long-hung-yen`);
  }
}

// From the product to one of its lots on sale: where it grew, its diary, its QR code.
async function checkLot(p, { shots }) {
  const lot = p.locator('ul.lots a').first();
  const code = (await lot.textContent()).trim().split(/\s+/).pop();
  await lot.click();
  await p.waitForURL(/\/01\/\d{14}\/10\/|\/lo\//);
  const page = await text(p);
  expect(page.includes(`Truy xuất lô`) && page.includes(code), `the lot page names lot ${code}`);
  expect(page.includes('Thời gian cách ly'), 'the pre-harvest interval is accounted for');
  expect((await p.$$('ol.timeline > li')).length > 0, 'the diary entries are shown');
  const qr = await p.$('section.qr img');
  expect(qr !== null && await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code loads');
  if (shots) await shot(p, 'lot-360');
  await p.goBack();
  await p.waitForURL(/\/san-pham\/nhan-long-hung-yen$/);
}

async function buy(browser, { javaScript, method, shots }) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled: javaScript });
  await findLongan(p, { javaScript, shots });
  // To Hồ Chí Minh City: dried longan and Bần soy sauce travel that far (fresh longan does not).
  for (const slug of ['long-nhan-say', 'tuong-ban']) {
    await p.goto(`${BASE}/san-pham/${slug}`);
    await p.click('form.add-to-cart button:not([disabled])');
    await p.waitForURL(/\/gio-hang\?ok=added/);
  }
  const cart = await text(p);
  expect(cart.includes('Đã thêm vào giỏ'), 'the cart confirms the item');
  expect((await p.$$('.cart-group')).length === 2, 'one group per producer');
  if (shots) await shot(p, 'cart-360');
  await p.click('a[href="/thanh-toan"]');
  await p.waitForURL(/\/thanh-toan$/);
  // Delivered to Hồ Chí Minh City: any of the country's communes can be chosen.
  if (javaScript) {
    await p.waitForSelector('.commune-picker[data-live]');
    await p.fill('#name', 'Nguyễn Thị Hoa');
    await p.fill('#phone', '0912 345');
    // A buyer who still writes the old district finds today's ward.
    await p.fill('#commune-find', 'Quận Hoàn Kiếm');
    await p.waitForSelector('#commune-matches button:has-text("Phường Hoàn Kiếm")');
    await p.fill('#commune-find', 'ben thanh');
    await p.click('#commune-matches button:has-text("Phường Bến Thành")');
    expect((await p.textContent('.chosen-address')).includes('Thành phố Hồ Chí Minh'), 'the chosen ward is shown');
  } else {
    // Province first (the page comes back with its communes), then the commune.
    expect((await p.$$('#commune option')).length === 1, 'no commune list before a province');
    await p.selectOption('#province', '79');
    await p.click('form.province-step button[type=submit]');
    await p.waitForURL(/province_id=79/);
    await p.selectOption('#commune', { label: 'Phường Bến Thành' });
    await p.fill('#name', 'Nguyễn Thị Hoa');
    await p.fill('#phone', '0912 345');
  }
  await p.fill('#street', '12 Lê Lợi');
  await p.check(`#pay-${method}`);
  await p.click('form.checkout button[type=submit]');
  await p.waitForURL(/loi=phone/);
  expect((await text(p)).includes('Số điện thoại chưa đúng'), 'a wrong phone is explained');
  expect(await p.inputValue('#street') === '12 Lê Lợi', 'what was typed is kept');
  expect((await text(p)).includes('Phường Bến Thành'), 'the chosen ward is kept');
  await p.fill('#phone', '0912 345 678');
  if (shots) await shot(p, 'checkout-360');
  await p.click('form.checkout button[type=submit]');
  await p.waitForURL(/\/don-hang\?moi=1/);
  const orders = await text(p);
  expect(orders.includes('Đặt hàng thành công'), 'the order is confirmed');
  const links = await p.$$eval('.order-list a', (as) => as.map((a) => a.getAttribute('href')));
  expect(links.length >= 2, 'one order per producer');
  await p.goto(`${BASE}${links[0]}`);
  const order = await text(p);
  expect(order.includes('Phường Bến Thành') && order.includes('Thành phố Hồ Chí Minh'), 'delivered to the ward in Hồ Chí Minh City');
  if (method === 'bank_transfer') {
    expect(order.includes('Số tài khoản') && order.includes('Nội dung chuyển khoản'), 'transfer details shown');
    const qr = await p.$('img.vietqr');
    expect(qr !== null, 'the VietQR code is shown');
    const loaded = await qr.evaluate((img) => img.complete && img.naturalWidth > 0);
    expect(loaded, 'the VietQR image loads');
  } else {
    expect(order.includes('Trả') && order.includes('tiền mặt khi nhận hàng'), 'cash on delivery explained');
  }
  if (shots) await shot(p, `order-${method}-360`);
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
}

// Fresh longan in the cart, delivered to Hồ Chí Minh City: the checkout says which line does not
// travel that far and why, and orders nothing (the cart keeps it).
async function freshTooFar(browser, { javaScript }) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled: javaScript });
  await p.goto(`${BASE}/san-pham/nhan-long-hung-yen`);
  await p.click('form.add-to-cart button:not([disabled])');
  await p.waitForURL(/\/gio-hang\?ok=added/);
  await p.click('a[href="/thanh-toan"]');
  await p.waitForURL(/\/thanh-toan$/);
  if (javaScript) {
    await p.waitForSelector('.commune-picker[data-live]');
    await p.fill('#commune-find', 'ben thanh');
    await p.click('#commune-matches button:has-text("Phường Bến Thành")');
  } else {
    await p.selectOption('#province', '79');
    await p.click('form.province-step button[type=submit]');
    await p.waitForURL(/province_id=79/);
    await p.selectOption('#commune', { label: 'Phường Bến Thành' });
  }
  await p.fill('#name', 'Nguyễn Thị Hoa');
  await p.fill('#phone', '0912 345 678');
  await p.fill('#street', '12 Lê Lợi');
  await p.check('#pay-cod');
  await p.click('form.checkout button[type=submit]');
  await p.waitForURL(/loi=not_delivered/);
  const problems = await p.$$eval('.line-problems li', (lis) => lis.map((li) => li.textContent));
  expect(problems.length === 1, `one line refused: ${problems.join(' | ')}`);
  expect(problems[0].includes('Nhãn') && problems[0].includes('các tỉnh giáp ranh'),
    `the line and the reason are named: ${problems[0]}`);
  expect(await p.inputValue('#street') === '12 Lê Lợi', 'what was typed is kept');
  if (javaScript) await shot(p, 'checkout-fresh-refused-360');
  await p.goto(`${BASE}/gio-hang`);
  expect((await text(p)).includes('Nhãn'), 'nothing was ordered: the longan is still in the cart');
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
}

run('buyer checkout', async (browser) => {
  await freshTooFar(browser, { javaScript: true });
  await freshTooFar(browser, { javaScript: false });
  await buy(browser, { javaScript: true, method: 'cod', shots: true });
  await buy(browser, { javaScript: true, method: 'bank_transfer', shots: true });
  await buy(browser, { javaScript: false, method: 'cod', shots: false });
});
