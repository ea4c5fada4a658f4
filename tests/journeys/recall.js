// Traceability to the buyer's door, then a recall: a buyer on a phone orders fresh longan to Hà
// Nội, opens from the order page the lot the longan was taken from (its orchard and harvest day),
// then the commune officer recalls that lot from its page with a reason; the buyer's order page,
// the lot page and the product page now say it was recalled and what to do.
const { BASE, page, shot, expect, text, run } = require('./lib');

const PHONE = { width: 360, height: 800 };
const PRODUCT = `${BASE}/san-pham/nhan-long-hung-yen`;

async function order(browser) {
  const p = await page(browser, { viewport: PHONE });
  await p.goto(PRODUCT);
  await p.click('form.add-to-cart button:not([disabled])');
  await p.waitForURL(/\/gio-hang\?ok=added/);
  await p.click('a[href="/thanh-toan"]');
  await p.waitForURL(/\/thanh-toan$/);
  await p.waitForSelector('.commune-picker[data-live]');
  await p.fill('#commune-find', 'hoan kiem');
  await p.click('#commune-matches button:has-text("Phường Hoàn Kiếm")');
  await p.fill('#name', 'Lê Thị Mai');
  await p.fill('#phone', '0912 777 888');
  await p.fill('#street', '8 Hàng Bạc');
  await p.check('#pay-cod');
  await p.click('form.checkout button[type=submit]');
  await p.waitForURL(/\/don-hang\/DH[^/?]+\?moi=1/);
  const orderUrl = p.url().replace(/\?.*$/, '');
  const placed = await text(p);
  expect(placed.includes('Đặt hàng thành công'), 'the order is confirmed');
  // Each line names the lot it was taken from, and links to its traceability page.
  const link = p.locator('.line-lots a').first();
  expect(await link.count() === 1, `the line links to its lot: ${placed.slice(0, 600)}`);
  const lines = await p.textContent('.line-lots');
  expect(/thu hoạch ngày/.test(lines), `the line says where and when it was harvested: ${lines}`);
  await shot(p, 'order-lot-360');
  await link.click();
  await p.waitForURL(/\/01\/\d{14}\/10\/|\/lo\//);
  const lotUrl = p.url();
  const lot = await text(p);
  expect(lot.includes('Truy xuất lô'), 'the lot page opens from the order');
  expect(!lot.includes('đã bị thu hồi'), 'not recalled yet');
  return { p, orderUrl, lotUrl };
}

async function recall(browser, lotUrl) {
  const o = await page(browser, { viewport: PHONE });
  await o.goto(`${BASE}/dang-nhap`);
  await o.fill('#login', process.env.OFFICER);
  await o.fill('#password', process.env.PASSWORD);
  await o.click('main form button[type=submit]');
  await o.waitForURL(/\/tai-khoan/);
  await o.goto(lotUrl);
  // The officer sees which orders took units from the lot before deciding.
  expect((await o.$$('table.lot-order-list tbody tr')).length >= 1, 'the lot page lists its orders for the officer');
  await o.click('details.recall summary');
  await o.fill('details.recall textarea[name=reason]', 'Kết quả kiểm nghiệm dư lượng thuốc BVTV vượt mức cho phép');
  await shot(o, 'officer-recall-360');
  await o.click('details.recall button[type=submit]');
  await o.waitForURL(/ok=thu-hoi/);
  expect((await text(o)).includes('Đã thu hồi lô'), 'the recall is confirmed');
  expect(o.problems.length === 0, `no console errors (officer): ${o.problems.join('; ')}`);
  await o.context().close();
}

run('a buyer traces the order to its lot, which is then recalled', async (browser) => {
  const { p, orderUrl, lotUrl } = await order(browser);
  await recall(browser, lotUrl);
  await p.goto(orderUrl);
  const after = await text(p);
  expect(after.includes('Đơn này có hàng thuộc lô đã bị thu hồi'), `the order page shows the recall: ${after.slice(0, 600)}`);
  expect(after.includes('vượt mức cho phép'), 'with its reason');
  await shot(p, 'order-recalled-360');
  await p.click('.recall-banner a');
  await p.waitForURL(/\/01\/\d{14}\/10\/|\/lo\//);
  const lot = await text(p);
  expect(lot.includes('Lô hàng này đã bị thu hồi') && lot.includes('ngừng ăn'), 'the lot page says it was recalled and what to do');
  await shot(p, 'lot-recalled-360');
  await p.goto(PRODUCT);
  expect((await text(p)).includes('Có lô hàng của sản phẩm này đã bị thu hồi'), 'the product page says a lot was recalled');
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
});
