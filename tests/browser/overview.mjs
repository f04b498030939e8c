// City overview: the four cards as shown, the city status, Refresh, the English switch,
// keyboard navigation and a phone-width layout. Prints what it read; the Rust test compares.
// Usage: node overview.mjs <base-url>

import { check, eventually, run } from './harness.mjs';

const readCards = (page) => page.$$eval('[data-card]', (cards) => Object.fromEntries(cards.map((card) => [card.dataset.card, {
  value: card.querySelector('.card-value').textContent,
  detail: card.querySelector('.card-detail').textContent,
  unavailable: card.classList.contains('card-unavailable'),
}])));

const overflows = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

run('overview', async ({ page, base, shot }) => {
  let dashboardCalls = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/api/orchestration/city-dashboard')) dashboardCalls += 1;
  });
  await page.goto(`${base}/`);
  await page.waitForSelector('[data-card="emergency"] .card-value');
  const cards = await readCards(page);
  const status = await page.textContent('#city-status');
  const alerts = await page.$$eval('#alerts li', (items) => items.map((li) => li.textContent));
  const lang = await page.getAttribute('html', 'lang');

  const before = dashboardCalls;
  await page.click('#refresh');
  await eventually(() => dashboardCalls > before, 'Refresh asks the gateway again');
  await page.waitForSelector('[data-card="emergency"] .card-value');

  // Keyboard only, from a fresh load: the skip link comes first, then the navigation reaches
  // the services page.
  await page.reload();
  await page.waitForSelector('[data-card="emergency"] .card-value');
  await page.keyboard.press('Tab');
  const firstFocus = await page.evaluate(() => document.activeElement.className);
  let reached = false;
  for (let i = 0; i < 8 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.getAttribute('href') === '#/services');
  }
  check(reached, 'Tab never reached the Services link');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#lines-table');
  const keyboardPage = await page.getAttribute('main', 'data-page');

  await page.goto(`${base}/#/`);
  await page.click('#lang-switch');
  await page.waitForSelector('#overview-title:text("City overview")');
  await page.waitForSelector('[data-card="emergency"] .card-value');
  const english = { status: await page.textContent('#city-status'), cards: await readCards(page), lang: await page.getAttribute('html', 'lang') };
  await shot('english');
  await page.click('#lang-switch');
  await page.waitForSelector('#overview-title:text("Vue d\'ensemble de la ville")');

  await page.setViewportSize({ width: 375, height: 740 });
  await page.waitForSelector('[data-card="emergency"] .card-value');
  const phone = { overview: await overflows(page) };
  await shot('phone');
  for (const route of ['services', 'map']) {
    await page.goto(`${base}/#/${route}`);
    await page.waitForSelector(route === 'map' ? '#traffic-map' : '#lines-table');
    phone[route] = await overflows(page);
  }
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`${base}/#/`);
  await page.waitForSelector('[data-card="emergency"] .card-value');
  return { cards, status, alerts, lang, english, firstFocus, keyboardPage, phoneOverflow: phone };
});
