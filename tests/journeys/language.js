// A visitor reads the site in English and back in Vietnamese: the header's switch keeps the page
// and its query, the choice follows them to the next pages (a cookie), and with JavaScript the
// English pages hydrate without errors. Then the same with JavaScript off.
const { BASE, page, shot, expect, text, run, until } = require('./lib');

async function switchTo(p, lang) {
  const before = new URL(p.url());
  await p.click('form.lang-switch button');
  await until(async () => (await p.getAttribute('html', 'lang')) === lang, `the page is in ${lang}`, 10000);
  const after = new URL(p.url());
  expect(after.pathname + after.search === before.pathname + before.search, `the switch stays on ${before.pathname}${before.search} (now ${after.pathname}${after.search})`);
}

async function journey(browser, { javaScript, shots }) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled: javaScript });
  await p.goto(`${BASE}/tim-kiem?q=nhan+long`);
  expect(await p.getAttribute('html', 'lang') === 'vi', 'Vietnamese first');
  expect((await p.textContent('form.lang-switch button')).includes('English'), 'the switch offers English');

  await switchTo(p, 'en');
  expect((await text(p)).includes('results for'), 'the search page is in English');
  expect((await p.textContent('form.lang-switch button')).includes('Tiếng Việt'), 'the switch offers Vietnamese back');
  if (shots) await shot(p, 'search-en-360');

  // The choice follows the reader, with the Vietnamese names of things kept.
  await p.click('.search-results a[href="/san-pham/nhan-long-hung-yen"]');
  await p.waitForURL(/\/san-pham\/nhan-long-hung-yen$/);
  expect(await p.getAttribute('html', 'lang') === 'en', 'the next page is in English too');
  const product = await text(p);
  expect(product.includes('Add to cart') && product.includes('Nhãn lồng'), 'English labels around the product');
  await p.click('form.add-to-cart button:not([disabled])');
  await p.waitForURL(/\/gio-hang\?ok=added/);
  expect((await text(p)).includes('Added to the cart'), 'the cart answers in English');
  if (shots) await shot(p, 'cart-en-360');

  await switchTo(p, 'vi');
  expect((await text(p)).includes('Đã thêm vào giỏ'), 'and in Vietnamese after switching back');
  await p.goto(`${BASE}/san-pham/tuong-ban`);
  expect((await text(p)).includes('Thêm vào giỏ'), 'Vietnamese stays chosen');
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
}

run('language switch', async (browser) => {
  await journey(browser, { javaScript: true, shots: true });
  await journey(browser, { javaScript: false, shots: false });
});
