// The web UI's vendored modules (ui/vendor/, made by vendor.sh) are exactly the npm packages that
// package.json pins, with their licences: a version bump without ./vendor.sh, or an edit by hand, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const here = new URL('../', import.meta.url);
const vendor = new URL('../ui-static/src/main/resources/ui/vendor/', here);
const pins = JSON.parse(readFileSync(new URL('package.json', here))).devDependencies;
const read = (base, path) => readFileSync(new URL(path, base));
const modules = new URL('node_modules/', here);

const COPIES = [
  ['marked/lib/marked.esm.js', 'marked/marked.esm.js'],
  ['marked/lib/marked.esm.js.map', 'marked/marked.esm.js.map'],
  ['marked/LICENSE', 'marked/LICENSE'],
  ['dompurify/dist/purify.es.mjs', 'dompurify/purify.es.js'],
  ['dompurify/dist/purify.es.mjs.map', 'dompurify/purify.es.mjs.map'],
  ['dompurify/LICENSE', 'dompurify/LICENSE'],
  ['dompurify/LICENSE-MPL', 'dompurify/LICENSE-MPL'],
];

test('the vendored files are the pinned packages\' files, byte for byte', () => {
  for (const name of ['marked', 'dompurify']) {
    assert.equal(JSON.parse(read(modules, `${name}/package.json`)).version, pins[name], `${name} in node_modules (run npm ci)`);
  }
  for (const [from, to] of COPIES) assert.ok(read(modules, from).equals(read(vendor, to)), `${to} differs from ${from}: run ./vendor.sh`);
});

test('the vendored files name their versions and licences', () => {
  assert.match(read(vendor, 'marked/marked.esm.js').toString(), new RegExp(`marked v${pins.marked.replaceAll('.', '\\.')} `));
  assert.match(read(vendor, 'dompurify/purify.es.js').toString(), new RegExp(`DOMPurify ${pins.dompurify.replaceAll('.', '\\.')} `));
  const readme = read(vendor, 'README.md').toString();
  assert.match(readme, new RegExp(`\\| \`marked/marked\\.esm\\.js\` \\| ${pins.marked.replaceAll('.', '\\.')} \\|`));
  assert.match(readme, new RegExp(`\\| \`dompurify/purify\\.es\\.js\` \\| ${pins.dompurify.replaceAll('.', '\\.')} \\|`));
  assert.match(read(vendor, 'marked/LICENSE').toString(), /MIT License|Permission is hereby granted/);
  assert.match(read(vendor, 'dompurify/LICENSE').toString(), /Apache License/);
});
