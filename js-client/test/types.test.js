/**
 * The published types: the README's `js` examples and test/types/api.ts must compile under
 * `tsc --strict` against the package as a consumer imports it (`cometgate-client`, through
 * package.json `exports`). The examples run in browsers, so the libs are the DOM's, including
 * `dom.asynciterable`, which `for await` over a ReadableStream needs on TypeScript 5.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}test/types/.generated/`;

test('the README examples and the declared API compile with TypeScript --strict', { timeout: 120000 }, () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 1, 'no js example in README.md');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = blocks.map((code, i) => {
    const name = `readme-${i + 1}.ts`;
    // Pages import the gateway's /cometgate.js; a bundled app imports the package.
    writeFileSync(`${out}${name}`, `${code.replaceAll("'/cometgate.js'", "'cometgate-client'")}\nexport {};\n`);
    return name;
  });
  copyFileSync(`${root}test/types/api.ts`, `${out}api.ts`);
  files.push('api.ts');
  writeFileSync(`${out}tsconfig.json`, JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'es2022', moduleResolution: 'bundler',
      lib: ['es2022', 'dom', 'dom.iterable', 'dom.asynciterable'], types: [], skipLibCheck: false,
    },
    files,
  }, null, 2));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', `${out}tsconfig.json`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
