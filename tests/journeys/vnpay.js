// A buyer on a phone pays by VNPay (with JavaScript, then without): Bần soy sauce to a ward of
// Hồ Chí Minh City, "VNPay" chosen at checkout, the order's "Thanh toán qua VNPay" link to
// VNPay's page (the test's stand-in, which tells the site server to server and sends the
// browser back), and the order page then says it is paid. The receipt prints it.
const { BASE, page, shot, expect, text, run } = require('./lib');

async function payByVnpay(browser, { javaScript, shots }) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled: javaScript });
  await p.goto(`${BASE}/san-pham/tuong-ban`);
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
  await p.fill('#name', 'Trần Văn Minh');
  await p.fill('#phone', '0903 123 456');
  await p.fill('#street', '5 Lê Lợi');
  expect(await p.$('#pay-vnpay') !== null, 'VNPay is offered');
  await p.check('#pay-vnpay');
  if (shots) await shot(p, 'checkout-vnpay-360');
  await p.click('form.checkout button[type=submit]');
  // One producer's goods: one order, and its page straight away.
  await p.waitForURL(/\/don-hang\/DH[^/?]+\?moi=1/);
  expect((await text(p)).includes('Đặt hàng thành công'), 'the order is confirmed');
  const link = p.locator('a:has-text("Thanh toán qua VNPay")').first();
  expect(await link.count() === 1, 'the order offers to pay by VNPay');
  await link.click();
  // VNPay's page, the notice to the site, and back to the order with VNPay's answer.
  await p.waitForURL(/\/don-hang\/DH[^/?]+\?vnpay=/);
  const order = await text(p);
  expect(order.includes('Đã thanh toán'), `the order is paid: ${order.slice(0, 400)}`);
  expect(!order.includes('Thanh toán qua VNPay'), 'nothing is left to pay');
  if (shots) await shot(p, 'order-vnpay-paid-360');
  await p.click('a:has-text("Biên nhận")');
  await p.waitForURL(/\/bien-nhan$/);
  const receipt = await text(p);
  expect(receipt.includes('VNPay') && receipt.includes('đã thanh toán lúc'), 'the receipt says how and when it was paid');
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
}

run('a buyer pays by VNPay', async (browser) => {
  await payByVnpay(browser, { javaScript: true, shots: true });
  await payByVnpay(browser, { javaScript: false, shots: false });
});
