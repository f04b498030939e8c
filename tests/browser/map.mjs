// The traffic map against the live pipeline. The Rust test acts at each pause: a reading over
// MQTT, an incident, the predictor and rerouter jobs.
// Usage: node map.mjs <base-url> <expected-markers> <watched-road> <incident-road>

import { eventually, pause, run } from './harness.mjs';

const levelOf = (page, road) => page.getAttribute(`path[data-road="${road}"]`, 'data-level');

run('map', async ({ page, base, args: [expected, watched, incident], shot }) => {
  await page.goto(`${base}/#/map`);
  await page.waitForSelector('#live-badge[data-state="live"]');
  const markers = await eventually(async () => {
    const n = (await page.$$('path[data-road]')).length;
    return n === Number(expected) && n;
  }, `${expected} road markers`);
  const levels = await page.$$eval('path[data-road]', (paths) => Object.fromEntries(paths.map((p) => [p.dataset.road, p.dataset.level])));
  const badge = await page.textContent('#live-badge');

  await page.selectOption('#road-select', watched);
  await page.waitForSelector('#road-chart svg polyline', { state: 'attached' });
  const chartLabel = await page.getAttribute('#road-chart svg', 'aria-label');
  await pause('reading');
  await eventually(async () => (await page.textContent('#road-speed')).includes('31,5'), 'the watched road shows the live reading');
  const liveSpeed = await page.textContent('#road-speed');
  const lastUpdate = await page.textContent('#last-update');

  await pause('incident');
  await eventually(async () => (await levelOf(page, incident)) === 'congested', 'the incident road turns red');
  const incidentFill = await page.getAttribute(`path[data-road="${incident}"]`, 'fill');
  const topRoad = await page.getAttribute('#top-roads li:first-child button', 'data-road');
  await shot('incident');

  await pause('jobs');
  await page.waitForSelector(`path.reroute-path[data-route="${incident}"]`);
  const reroute = await page.textContent(`#reroute-list li[data-route="${incident}"]`);
  await page.click('#prediction-toggle');
  await eventually(async () => (await levelOf(page, incident)) === 'congested', 'the incident road is red by its prediction too');
  const predicted = await page.$$eval('path[data-road]', (paths) => Object.fromEntries(paths.map((p) => [p.dataset.road, p.dataset.level])));
  await page.selectOption('#road-select', incident);
  await eventually(async () => !(await page.textContent('#road-prediction')).includes('Pas encore'), 'the prediction is shown');
  const prediction = await page.textContent('#road-prediction');
  return { markers, levels, badge, chartLabel, liveSpeed, lastUpdate, incidentFill, topRoad, reroute, predicted, prediction };
});
