// Labels full of markup, from the services, are shown as text: in the lines table, the trip
// planner and on the map. Usage: node xss.mjs <base-url> <line-id> <road-id>

import { run } from './harness.mjs';

run('xss', async ({ page, base, args: [lineId, roadId] }) => {
  await page.goto(`${base}/#/services/lines`);
  const cell = await page.textContent(`#lines-table tr[data-line-id="${lineId}"] .line-route`);

  await page.selectOption('#trip-zone', 'paris-01');
  await page.click('#trip-submit');
  await page.waitForSelector('#trip-lines');
  const trip = await page.$$eval('#trip-lines .line-route', (items) => items.map((i) => i.textContent));
  const imagesOnServices = await page.$$eval('img', (n) => n.length);

  await page.goto(`${base}/#/map`);
  await page.waitForSelector(`path[data-road="${roadId}"]`);
  const option = await page.textContent(`#road-select option[value="${roadId}"]`);
  await page.hover(`path[data-road="${roadId}"]`);
  await page.waitForSelector('.leaflet-tooltip');
  const tooltip = await page.textContent('.leaflet-tooltip');
  await page.selectOption('#road-select', roadId);
  const title = await page.textContent('#road-title');
  return {
    cell,
    trip,
    option,
    tooltip,
    title,
    imagesOnServices,
    imagesOnMap: await page.$$eval('img', (n) => n.length),
    injected: await page.evaluate(() => window.__xss ?? null),
  };
});
