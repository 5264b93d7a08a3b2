/**
 * `npm test`: the unit tests and the type check, then the real-browser tests when the gateway
 * jar exists.
 * With CI=true a missing jar (or Chromium) is a failure, not a skip.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const jar = process.env.COMETGATE_JAR ?? fileURLToPath(new URL('../../gateway/target/cometgate.jar', import.meta.url));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ci = process.env.CI === 'true';

/** @param {string[]} files */
function runTests(files, timeoutMs) {
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', `--test-timeout=${timeoutMs}`, '--test-force-exit', ...files],
    { stdio: 'inherit' });
  return r.status ?? 1;
}

// The type check runs tsc, which can take a minute on a busy machine: it gets its own timeout.
const TYPES = 'types.test.js';
const unit = readdirSync(here).filter((f) => f.endsWith('.test.js') && f !== TYPES).map((f) => `${here}${f}`);
let status = runTests(unit, 30000);
status = runTests([`${here}${TYPES}`], 300000) || status;

const missing = [[jar, 'the gateway jar (run: mvn -pl gateway package)'], [chromium, 'Chromium']]
  .filter(([path]) => !existsSync(path));
if (missing.length > 0) {
  const what = missing.map(([path, name]) => `${name} at ${path}`).join(', ');
  if (ci) {
    console.error(`browser tests: missing ${what}; CI=true, so this is a failure`);
    status = 1;
  } else {
    console.warn(`browser tests NOT RUN: missing ${what} (set CI=true to make this fail)`);
  }
} else {
  const browser = readdirSync(`${here}browser`).filter((f) => f.endsWith('.test.js')).map((f) => `${here}browser/${f}`);
  status = runTests(browser, 600000) || status;
}
process.exit(status);
