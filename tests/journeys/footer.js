// Every page shows who operates the marketplace and links its documents (#27): on a phone, with
// JavaScript and without, the footer's links are there and visible on the buyer's, the seller's
// and the error pages, and each document opens with its version and date.
const { BASE, page, shot, expect, run } = require('./lib');

const LINKS = ['/quy-che', '/chinh-sach-bao-mat', '/dieu-khoan-ban-hang', '/khieu-nai', '/tai-khoan/du-lieu'];
const PAGES = ['/', '/xa', '/xa/tan-hung', '/san-pham/nhan-long-hung-yen', '/tim-kiem?q=nhan', '/gio-hang',
  '/dang-nhap', '/dang-ky', '/tra-cuu-don-hang', '/quy-che', '/chinh-sach-bao-mat', '/dieu-khoan-ban-hang',
  '/trang-khong-co'];

async function journey(browser, { javaScript, shots }) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled: javaScript });
  for (const path of PAGES) {
    await p.goto(`${BASE}${path}`);
    const footer = p.locator('footer.site-footer');
    expect(await footer.count() === 1, `${path}: one footer`);
    for (const href of LINKS) {
      const link = footer.locator(`a[href="${href}"]`);
      expect(await link.count() === 1, `${path}: a link to ${href}`);
      await link.scrollIntoViewIfNeeded();
      expect(await link.isVisible(), `${path}: ${href} is visible`);
      const box = await link.boundingBox();
      expect(box && box.height >= 44, `${path}: ${href} is big enough to tap (${box && box.height}px)`);
    }
    expect((await footer.textContent()).includes('Sàn Đặc sản OCOP Hưng Yên'), `${path}: the operator's name`);
  }
  if (shots) {
    await p.goto(`${BASE}/`);
    await p.locator('footer.site-footer').scrollIntoViewIfNeeded();
    await shot(p, 'footer-360');
  }
  // The documents open from the footer, with their version.
  await p.goto(`${BASE}/`);
  await p.click('footer.site-footer a[href="/quy-che"]');
  await p.waitForURL(/\/quy-che$/);
  expect((await p.textContent('main h1')).includes('Quy chế hoạt động'), 'the rules open');
  expect((await p.textContent('main .version')).includes('Phiên bản 1.0'), 'with their version');
  await p.click('footer.site-footer a[href="/chinh-sach-bao-mat"]');
  await p.waitForURL(/\/chinh-sach-bao-mat$/);
  expect((await p.textContent('main')).includes('ngày'), 'the retention periods');
  // The not-found page's own 404 is logged by the browser; nothing else may be.
  const problems = p.problems.filter((m) => !m.includes('404'));
  if (javaScript) expect(problems.length === 0, `no console errors: ${problems.join('; ')}`);
}

run('footer', async (browser) => {
  await journey(browser, { javaScript: true, shots: true });
  await journey(browser, { javaScript: false, shots: false });
});
