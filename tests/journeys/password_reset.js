// Someone who forgot the password gets a code at their verified email and chooses a new one:
// from the sign-in page's link, the code (read from the message by the test harness, which
// writes it to CODE_DIR/<email>.txt as the mailbox would show it), the new password, then
// signed in with it. With JavaScript, then without.
const fs = require('fs');
const path = require('path');
const { BASE, page, shot, expect, text, run } = require('./lib');

/// The code the mailbox received, once it has.
async function codeFor(email) {
  const file = path.join(process.env.CODE_DIR, `${email}.txt`);
  for (let i = 0; i < 150; i++) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no code arrived for ${email}`);
}

async function journey(browser, { javaScript, email, shots }) {
  const p = await page(browser, { viewport: { width: 360, height: 800 }, javaScriptEnabled: javaScript });
  await p.goto(`${BASE}/dang-nhap`);
  await p.click('a[href="/quen-mat-khau"]');
  await p.waitForURL(/\/quen-mat-khau$/);
  expect((await text(p)).includes('mã 6 chữ số'), 'the page says a code is sent');
  await p.fill('#login', email);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/\/quen-mat-khau\/ma\?login=/);
  expect((await text(p)).includes('Nếu có tài khoản với số điện thoại hoặc email đã xác minh này'),
    'the answer does not say whether the account exists');
  expect(await p.inputValue('#login') === email, 'the address is filled in');
  if (shots) await shot(p, 'reset-code-360');

  const code = await codeFor(email);
  // A wrong code first: said plainly, and the form is there again.
  const wrong = `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`;
  await p.fill('#code', wrong);
  await p.fill('#password', process.env.NEW_PASSWORD);
  await p.fill('#password_again', process.env.NEW_PASSWORD);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/loi=ma-khong-dung/);
  expect((await text(p)).includes('Mã không đúng'), 'a wrong code is refused');

  await p.fill('#code', code);
  await p.fill('#password', process.env.NEW_PASSWORD);
  await p.fill('#password_again', process.env.NEW_PASSWORD);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/\/dang-nhap\?ok=mat-khau-moi/);
  expect((await text(p)).includes('Đã đặt mật khẩu mới'), 'the reset is confirmed');
  expect(await p.inputValue('#login') === email, 'the sign-in form has the address');

  await p.fill('#password', process.env.NEW_PASSWORD);
  await p.click('main form button[type=submit]');
  await p.waitForURL(/\/tai-khoan$/);
  expect((await text(p)).includes(email), 'signed in with the new password');
  if (shots) await shot(p, 'reset-signed-in-360');
  expect(p.problems.length === 0, `no console errors: ${p.problems.join('; ')}`);
  await p.context().close();
}

run('password reset', async (browser) => {
  await journey(browser, { javaScript: true, email: process.env.EMAIL_JS, shots: true });
  await journey(browser, { javaScript: false, email: process.env.EMAIL_NO_JS, shots: false });
});
