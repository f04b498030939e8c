// Shared by the browser tests: Debian's Chromium driven by playwright-core (from web/'s
// devDependencies; no browser download), page problems collected, a screenshot per test.
//
// A test script is `run(name, async ({page, base, args, shot}) => result)`. It prints
// `RESULT <json>` and exits 0, or prints `FAIL <why>` and exits 1; either way the page is
// saved as <name>.png (plus any shot(label)) under CITYFLOW_TEST_OUTPUT.

import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const outputDir = process.env.CITYFLOW_TEST_OUTPUT ?? fileURLToPath(new URL('../../target/test-output/web/', import.meta.url));

/** Console errors (CSP violations among them), uncaught exceptions and failed calls of a page. */
export function watch(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  // Which calls failed, for the test to tell an expected outage from a bug.
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`http: ${response.status()} ${new URL(response.url()).pathname}`);
  });
  return problems;
}

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Hands over to the Rust test: prints `WAIT <step>`, resumes when it writes a line back. */
export async function pause(step) {
  console.log(`WAIT ${step}`);
  const { done } = await stdinLines.next();
  if (done) throw new Error(`the test closed stdin instead of answering ${step}`);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `fn` (in Node) until it returns a truthy value; fails with `what` after `ms`. */
export async function eventually(fn, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function run(name, body) {
  const [base, ...args] = process.argv.slice(2);
  if (!base) {
    console.log(`FAIL usage: node ${name}.mjs <base-url> [args...]`);
    process.exit(2);
  }
  await mkdir(outputDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CITYFLOW_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'fr-FR' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = watch(page);
  const shot = (label) => page.screenshot({ path: join(outputDir, `${name}-${label}.png`), fullPage: true });
  let code = 0;
  try {
    const result = await body({ page, context, base: base.replace(/\/$/, ''), args, shot, problems });
    console.log(`RESULT ${JSON.stringify(result ?? {})}`);
    console.log(`PROBLEMS ${JSON.stringify(problems)}`);
  } catch (error) {
    console.log(`FAIL ${error.stack ?? error}`);
    console.log(`PROBLEMS ${JSON.stringify(problems)}`);
    code = 1;
  } finally {
    await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true }).catch(() => {});
    await browser.close();
  }
  process.exit(code);
}
