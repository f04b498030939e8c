// An operator signs in through the form, edits a transport line and dispatches a vehicle,
// then signs out. Usage: node operator.mjs <base-url> <email> <password> <line-id> <new-route>

import { eventually, run } from './harness.mjs';

run('operator', async ({ page, base, args: [email, password, lineId, newRoute], shot }) => {
  await page.goto(`${base}/#/signin`);
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
  await page.waitForSelector('#session-role');
  const role = await page.textContent('#session-role');
  const storage = await page.evaluate(() => ({
    sessionToken: sessionStorage.getItem('cityflow.token') !== null,
    localKeys: Object.keys(localStorage),
  }));

  await page.click('a[href="#/services"]');
  const row = `#lines-table tr[data-line-id="${lineId}"]`;
  await page.click(`${row} button[data-action="edit"]`);
  await page.fill('#line-route', newRoute);
  await page.selectOption('#line-status', 'retard');
  await page.click('#line-save');
  await eventually(async () => (await page.textContent(`${row} .line-route`)) === newRoute, 'the edited line shows its new route');
  const editedRow = await page.$$eval(`${row} td`, (cells) => cells.map((c) => c.textContent));
  const deleteButtons = await page.$$eval('button[data-action="delete"]', (b) => b.length);
  await shot('edited');

  await page.selectOption('#dispatch-zone', 'paris-11');
  await page.selectOption('#dispatch-type', 'fire');
  await page.selectOption('#dispatch-priority', 'critical');
  await page.fill('#dispatch-address', '5 rue Oberkampf, 75011 Paris');
  await page.click('#dispatch-submit');
  await page.waitForSelector('#dispatch-result[data-status]');
  const dispatch = {
    status: await page.getAttribute('#dispatch-result', 'data-status'),
    text: await page.textContent('#dispatch-result'),
  };
  // The lists are read again after a dispatch: wait for the new intervention to show.
  await page.waitForSelector('#interventions-table td:text-is("5 rue Oberkampf, 75011 Paris")');
  const interventions = await page.$$eval('#interventions-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  await shot('dispatched');

  await page.click('#sign-out');
  await page.waitForSelector('#sign-in-link');
  const afterSignOut = {
    sessionToken: await page.evaluate(() => sessionStorage.getItem('cityflow.token')),
    editButtons: await page.$$eval('button[data-action="edit"]', (b) => b.length),
  };
  return { role, storage, editedRow, deleteButtons, dispatch, interventions, afterSignOut };
});
