// Shared by the browser journeys: Debian's Chromium driven by playwright-core, the site under
// test at BASE_URL, screenshots into SHOTS. Every step checks what a person would see.
const { chromium } = require('playwright-core');
const path = require('path');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SHOTS || '.';

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/// A page that records console errors and failed page scripts.
async function page(browser, options = {}) {
  const context = await browser.newContext(options);
  const p = await context.newPage();
  p.problems = [];
  p.on('console', (m) => { if (m.type() === 'error') p.problems.push(`console: ${m.text()}`); });
  p.on('pageerror', (e) => p.problems.push(`page error: ${e}`));
  return p;
}

async function shot(p, name) {
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

function expect(condition, message) {
  if (!condition) throw new Error(`expected: ${message}`);
}

async function text(p) {
  return p.textContent('main');
}

/// Chooses the option of `select` whose text is `label`, naming the options there were if none is.
async function choose(p, select, label) {
  const options = await p.$$eval(`${select} option`, (os) => os.map((o) => [o.value, o.textContent.trim()]));
  const found = options.find(([, text]) => text === label);
  expect(found, `an option "${label}" in ${select}, among: ${options.map(([, t]) => t).join(' | ')}`);
  await p.selectOption(select, found[0]);
}

async function run(name, journey) {
  const browser = await launch();
  try {
    await journey(browser);
    console.log(`journey ok: ${name}`);
  } catch (e) {
    console.error(`journey failed: ${name}: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

// Polls `check` (page.waitForFunction evaluates a string, which the pages' CSP forbids).
async function until(check, what, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      // The page is reloading: ask again.
    }
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

module.exports = { BASE, launch, page, shot, expect, text, choose, run, until };
