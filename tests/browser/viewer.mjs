// Neither an anonymous visitor nor a signed-in viewer is offered a write action.
// Usage: node viewer.mjs <base-url> <email> <password>

import { run } from './harness.mjs';

async function actions(page) {
  await page.waitForSelector('#lines-table');
  await page.waitForSelector('#vehicles-table');
  return {
    lineForm: await page.$$eval('#line-form', (n) => n.length),
    rowActions: await page.$$eval('[data-action]', (n) => n.length),
    dispatchForm: await page.$$eval('#dispatch-form', (n) => n.length),
    linesHint: await page.textContent('#lines-readonly'),
    emergencyHint: await page.textContent('#emergency-readonly'),
  };
}

run('viewer', async ({ page, base, args: [email, password], shot }) => {
  await page.goto(`${base}/#/services`);
  const anonymous = await actions(page);
  await page.goto(`${base}/#/signin`);
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
  await page.waitForSelector('#session-role');
  const role = await page.textContent('#session-role');
  await page.goto(`${base}/#/services`);
  const viewer = await actions(page);
  await shot('services');
  return { anonymous, role, viewer };
});
