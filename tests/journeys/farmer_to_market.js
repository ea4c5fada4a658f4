// From a farmer's first visit to a certified product on the commune page, on a phone:
// the farmer signs up and applies to sell; the commune officer approves the application; the
// farmer lists a product with a photo from disk (after one too large) and sends it for
// review, then keeps the farm diary — a spraying, a harvest inside the pre-harvest interval
// (refused, with the first safe day), the harvest a day later; the officer approves the
// listing, makes it the commune's signature product and records its OCOP certificate; a buyer
// sees both. Run once with JavaScript (the upload's progress bar) and once without (every
// step is a plain form).
const path = require('path');
const { BASE, page, shot, expect, text, choose, run, until } = require('./lib');

const PHOTO = process.env.PHOTO;
// Over the 20 MB a photo may have.
const PHOTO_TOO_LARGE = process.env.PHOTO_TOO_LARGE;
const PASSWORD = process.env.PASSWORD;
const COMMUNE_ID = process.env.COMMUNE_ID;
const COMMUNE_SLUG = process.env.COMMUNE_SLUG;
const PHONE = { width: 360, height: 800 };

// A day `n` days before today in Vietnam (UTC+7), as a date field takes it.
function daysAgo(n) {
  const vietnam = new Date(Date.now() + 7 * 3600 * 1000 - n * 86400 * 1000);
  return vietnam.toISOString().slice(0, 10);
}

function shown(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

async function signIn(browser, login, options) {
  const p = await page(browser, { viewport: PHONE, ...options });
  await p.goto(`${BASE}/dang-nhap`);
  await p.fill('#login', login);
  await p.fill('#password', PASSWORD);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/\/tai-khoan/);
  return p;
}

async function signUpAndApply(browser, f) {
  const p = await page(browser, { viewport: PHONE, javaScriptEnabled: f.javaScript });
  await p.goto(`${BASE}/dang-ky`);
  await p.fill('#name', f.person);
  await p.fill('#login', f.phone);
  await p.fill('#password', PASSWORD);
  await p.fill('#password_again', PASSWORD);
  await p.click('main form[action="/dang-ky"] button[type=submit]');
  await p.waitForURL(/\/tai-khoan$/);
  await p.fill('#producer-name', f.producer);
  await p.selectOption('#producer-kind', 'household');
  await p.selectOption('#producer-commune', COMMUNE_ID);
  // The seller's legal identity, for the officer to check and buyers to see.
  await p.fill('#id-legal-name', `Hộ kinh doanh ${f.person}`);
  await p.fill('#id-address', 'Thôn Đông, xã Tân Hưng, tỉnh Hưng Yên');
  await p.fill('#id-phone', f.phone);
  await p.fill('#id-tax', '0901234567');
  await p.click('form[action="/tai-khoan/ban-hang"] button[type=submit]');
  await p.waitForURL(/ok=applied/);
  if (f.shots) await shot(p, 'farmer-applied-360');
  return p;
}

async function approveApplication(officer, f) {
  await officer.goto(`${BASE}/can-bo`);
  const item = officer.locator('li.queue-item', { hasText: f.producer });
  await item.locator('form:has(input[value=approve]) button').click();
  await officer.waitForURL(/ok=approved/);
  expect((await officer.$$(`li.queue-item:has-text("${f.producer}")`)).length === 0, 'the application leaves the queue');
}

async function list(p, f) {
  await p.goto(`${BASE}/ban-hang`);
  await p.fill('#name_vi', f.product);
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
  // First a file over 20 MB: refused with the reason. Without JavaScript the server answers
  // before reading it all, then reads the rest, so the browser sees the answer and not a reset
  // connection. With it, the upload island refuses it before sending, naming the file: 30 MB
  // of a farmer's mobile data spared.
  const uploads = [];
  p.on('request', (r) => { if (r.method() === 'POST' && /\/anh\?/.test(r.url())) uploads.push(r.url()); });
  if (f.javaScript) await p.waitForSelector('form.upload[data-live]', { timeout: 15000 });
  await p.setInputFiles('#photo-files', [PHOTO_TOO_LARGE]);
  await p.click('form.upload button[type=submit]');
  if (f.javaScript) {
    await p.waitForSelector('form.upload [role=alert]', { timeout: 10000 });
    const said = await p.textContent('form.upload [role=alert]');
    expect(said.includes('Ảnh quá lớn (tối đa 20 MB mỗi ảnh) nên chưa gửi ảnh nào.'), `a photo over 20 MB is refused before sending: ${said}`);
    expect(said.includes(path.basename(PHOTO_TOO_LARGE)), `the refusal names the file: ${said}`);
    expect(uploads.length === 0, `nothing was sent: ${uploads}`);
    if (f.shots) await shot(p, 'listing-upload-too-large-360');
  } else {
    await p.waitForURL(/loi=photo_size/, { timeout: 60000 });
    expect((await text(p)).includes('Ảnh quá lớn (tối đa 20 MB mỗi ảnh).'), 'a photo over 20 MB is refused with the reason');
    expect(uploads.length === 1, `the plain form sent it: ${uploads}`);
  }
  await p.goto(editor);
  await p.fill('#photo-alt', 'Hộp nhãn sấy');
  await p.setInputFiles('#photo-files', [PHOTO]);
  if (f.javaScript) {
    await p.waitForSelector('form.upload[data-live]', { timeout: 15000 });
    // The connection drops: the farmer is told, and the photo stays chosen for another try.
    await p.context().setOffline(true);
    await p.click('form.upload button[type=submit]');
    await p.waitForSelector('form.upload [role=alert]', { timeout: 10000 });
    expect((await text(p)).includes('Mất kết nối mạng khi đang gửi ảnh.'), 'a dropped upload is said');
    if (f.shots) await shot(p, 'listing-upload-dropped-360');
    await p.context().setOffline(false);
    // The browser logs the request it could not send: this step's own doing.
    p.problems = p.problems.filter((m) => !m.includes('net::ERR_INTERNET_DISCONNECTED'));
    // Answers that are not the editor (a busy server, a proxy that lost it, an expired form)
    // are said, and the photo stays chosen: the island opened the upload's own address for
    // them, a blank 405 page.
    const answers = [
      [503, 'Máy chủ đang bận.'],
      [429, 'Tài khoản của bạn đang tải ảnh lên ở trang hoặc máy khác'],
      [502, 'Máy chủ chưa trả lời được.'],
      [403, 'Phiên làm việc đã hết hạn'],
    ];
    for (const [status, says] of answers) {
      await p.route(/\/anh\?/, (route) => route.fulfill({ status, contentType: 'text/html', body: '<h1>' + status + '</h1>' }));
      await p.click('form.upload button[type=submit]');
      await until(async () => ((await p.textContent('form.upload [role=alert]', { timeout: 1000 })) || '').includes(says), `the answer to a ${status} is said`, 10000);
      expect(p.url().startsWith(editor), `still on the editor after a ${status}: ${p.url()}`);
      expect(await p.isEnabled('form.upload button[type=submit]'), `the button works again after a ${status}`);
      expect((await p.$eval('#photo-files', (i) => i.files.length)) === 1, `the photo stays chosen after a ${status}`);
      await p.unroute(/\/anh\?/);
    }
    // The browser logs the answers it was given: this step's own doing.
    p.problems = p.problems.filter((m) => !/status of (503|429|502|403)/.test(m));
    // Then over a slow line, to see the progress bar.
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 100000 });
    await p.click('form.upload button[type=submit]');
    await p.waitForSelector('form.upload progress', { timeout: 10000 });
    if (f.shots) await shot(p, 'listing-uploading-360');
    await p.waitForURL(/\?ok=1/, { timeout: 60000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  } else {
    await p.click('form.upload button[type=submit]');
    await p.waitForURL(/\?ok=1/);
  }
  expect((await p.$$('.photo-list img')).length === 1, 'the photo is listed');
  const src = await p.getAttribute('.photo-list img', 'src');
  expect(src.startsWith('/media/photos/'), 'the cleaned copy is served from media');
  // Sent again, as after a cut connection: not added twice, and the farmer is told.
  await p.setInputFiles('#photo-files', [PHOTO]);
  if (f.javaScript) await p.waitForSelector('form.upload[data-live]', { timeout: 15000 });
  await p.click('form.upload button[type=submit]');
  await p.waitForURL(/\?ok=anh-da-co/, { timeout: 60000 });
  expect((await text(p)).includes('Các ảnh này đã có trong tin đăng'), 'a photo sent again is said to be there already');
  expect((await p.$$('.photo-list img')).length === 1, 'the photo is listed once');
  await p.click('form:has(input[value=publish]) button');
  await p.waitForURL(/\?ok=1/);
  expect((await text(p)).includes('Chờ duyệt'), 'the listing awaits review');
  if (f.shots) await shot(p, 'listing-editor-360');
}

async function record(p, fields) {
  const form = 'form.entry-form';
  await p.selectOption(`${form} select[name=kind]`, fields.kind);
  await p.fill(`${form} input[name=occurred_on]`, fields.on);
  for (const [name, value] of Object.entries(fields.text || {})) {
    await p.fill(`${form} [name=${name}]`, value);
  }
  if (fields.lot) await choose(p, `${form} select[name=lot_id]`, fields.lot);
  await p.click(`${form} button[type=submit]`);
  await p.waitForURL(/(ok=1|loi=)/);
}

async function keepDiary(p, f) {
  await p.goto(`${BASE}/nong-trai`);
  await p.fill('form[action="/nong-trai/vuon"] input[name=name]', 'Vườn nhãn bờ đê');
  await p.fill('form[action="/nong-trai/vuon"] input[name=crop]', 'nhãn lồng');
  await p.selectOption('form[action="/nong-trai/vuon"] select[name=commune_id]', COMMUNE_ID);
  await p.fill('form[action="/nong-trai/vuon"] input[name=area_m2]', '2400');
  await p.click('form[action="/nong-trai/vuon"] button[type=submit]');
  await p.waitForURL(/\/nong-trai\/vuon\/[^/?]+\?ok=1/);
  const plot = p.url().split('?')[0];

  await p.click('details.add:has(input[name=lot_code]) summary');
  await p.fill('input[name=lot_code]', f.lot);
  await p.selectOption('select[name=variant_id]', { index: 1 });
  await p.click('form:has(input[name=lot_code]) button[type=submit]');
  await p.waitForURL(/\?ok=1/);

  const sprayed = daysAgo(10);
  await record(p, {
    kind: 'spraying',
    on: sprayed,
    text: { input_name: 'Vertimec 1.8EC', active_ingredient: 'Abamectin', target: 'Sâu đục cuống', dose: '1 g / 8 l nước', phi_days: '7' },
  });
  expect(p.url().includes('ok=1'), 'the spraying is recorded');
  const safe = shown(daysAgo(3));
  expect((await text(p)).includes(`An toàn để thu hoạch từ ${safe}`), 'the plot says when harvest is safe');

  // Six days after spraying a 7-day product: refused, saying why and from when.
  await p.goto(plot);
  await record(p, { kind: 'harvest', on: daysAgo(4), lot: f.lot, text: { quantity_kg: '800' } });
  expect(p.url().includes('loi=phi'), 'the early harvest is refused');
  const refusal = await text(p);
  expect(refusal.includes('Chưa được thu hoạch') && refusal.includes('Vertimec 1.8EC'), 'the refusal names the spraying');
  expect(refusal.includes(`Ngày sớm nhất được thu hoạch: ${safe}`), 'the refusal names the first safe day');
  if (f.shots) await shot(p, 'diary-phi-refused-360');

  // What was typed is still there: the farmer changes only the date.
  const form = 'form.entry-form';
  expect(await p.inputValue(`${form} select[name=kind]`) === 'harvest', 'the kind is kept');
  expect(await p.inputValue(`${form} [name=quantity_kg]`) === '800', 'the quantity is kept');
  expect(await p.$eval(`${form} select[name=lot_id]`, (s) => s.selectedOptions[0].textContent) === f.lot, 'the lot is kept');
  await p.fill(`${form} input[name=occurred_on]`, daysAgo(3));
  await p.click(`${form} button[type=submit]`);
  await p.waitForURL(/(ok=1|loi=)/);
  expect(p.url().includes('ok=1'), 'the harvest on the first safe day is recorded');
  const timeline = await p.$$eval('ol.timeline > li', (items) => items.length);
  expect(timeline >= 2, `the diary shows the spraying and the harvest (${timeline})`);
  if (f.shots) await shot(p, 'diary-360');
}

async function certify(officer, f) {
  await officer.goto(`${BASE}/can-bo`);
  const item = officer.locator('li.queue-item', { hasText: f.product });
  await item.locator('form:has(input[value=approve]) button').click();
  await officer.waitForURL(/ok=approved/);

  await officer.goto(`${BASE}/can-bo/xa/${COMMUNE_ID}`);
  await choose(officer, '#signature', f.product);
  await officer.click('form:has(#signature) button[type=submit]');
  await officer.waitForURL(/ok=1/);
  expect(await officer.$eval('#signature', (s) => s.selectedOptions[0].textContent) === f.product, 'the signature product is set');
  if (f.shots) await shot(officer, 'officer-signature-360');

  await officer.goto(`${BASE}/can-bo`);
  await choose(officer, '#cert-product', `${f.product} — ${f.producer}`);
  await officer.selectOption('#cert-stars', '4');
  await officer.selectOption('#cert-level', 'province');
  await officer.fill('#cert-decision', f.decision);
  await officer.click('form[action="/can-bo/chung-nhan"] button[type=submit]');
  await officer.waitForURL(/ok=certificate/);
  expect((await text(officer)).includes(f.decision), 'the certificate is listed');
  if (f.shots) await shot(officer, 'officer-certificate-360');
}

async function buyerSees(browser, f) {
  const buyer = await page(browser, { viewport: PHONE, javaScriptEnabled: f.javaScript });
  await buyer.goto(`${BASE}/xa/${COMMUNE_SLUG}`);
  const signature = buyer.locator('section:has(#signature) a', { hasText: f.product }).first();
  expect(await signature.count() === 1, 'the commune page shows the new signature product');
  await signature.click();
  await buyer.waitForURL(/\/san-pham\//);
  const product = await text(buyer);
  expect(product.includes(f.product) && product.includes('120.000'), 'buyers see the approved listing');
  expect(await buyer.$('.gallery img') !== null, 'with its photo');
  expect((await buyer.getAttribute('.stars', 'aria-label') || '').includes('4'), 'with its four OCOP stars');
  expect(product.includes(f.decision), 'and the certificate decision');
  if (f.shots) await shot(buyer, 'listing-public-360');
  expect(buyer.problems.length === 0, `no console errors: ${buyer.problems.join('; ')}`);
  await buyer.context().close();
}

async function journey(browser, f) {
  const farmer = await signUpAndApply(browser, f);
  const officer = await signIn(browser, process.env.OFFICER, { javaScriptEnabled: f.javaScript });
  await approveApplication(officer, f);
  await list(farmer, f);
  await keepDiary(farmer, f);
  await certify(officer, f);
  await buyerSees(browser, f);
  for (const p of [farmer, officer]) {
    expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
    await p.context().close();
  }
}

run('farmer to market', async (browser) => {
  await journey(browser, {
    javaScript: true, shots: true, person: 'Chị Lan', phone: '0988500001',
    producer: 'Hộ Đào Thị Lan', product: 'Nhãn lồng sấy dẻo', lot: 'NL-2027-01', decision: '1021/QĐ-UBND',
  });
  await journey(browser, {
    javaScript: false, shots: false, person: 'Anh Tú', phone: '0988500003',
    producer: 'Hộ Lê Văn Tú', product: 'Long nhãn túi 200 g', lot: 'LN-2027-01', decision: '1022/QĐ-UBND',
  });
});
