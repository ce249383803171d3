// Unit test of js/tarball.js without a browser: the tar it makes of names short, long and not ASCII, and of an empty
// file, is read back by the system's tar (GNU tar) with every name and byte as given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tarball } from '../../ui-static/src/main/resources/ui/js/tarball.js';

test('GNU tar reads back every name and byte', async () => {
  const longName = `tiny-bert/${'nested-folder/'.repeat(9)}tokenizer.json`;
  const files = {
    'tiny-bert/config.json': '{"model_type": "bert"}',
    [longName]: '{"tokens": []}',
    'tiny-bert/notes/über-größe.txt': 'not ASCII',
    'tiny-bert/empty.txt': '',
    'tiny-bert/block.bin': 'x'.repeat(1024),
  };
  assert.ok(longName.length > 100);
  const blob = tarball(Object.entries(files).map(([name, content]) => ({ path: name, file: new Blob([content]) })));
  assert.equal(blob.type, 'application/x-tar');
  assert.equal(blob.size % 512, 0);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'tarball-test-'));
  const archive = path.join(dir, 'model.tar');
  writeFileSync(archive, Buffer.from(await blob.arrayBuffer()));
  const listed = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed, Object.keys(files));
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  for (const [name, content] of Object.entries(files)) {
    assert.equal(readFileSync(path.join(dir, name), 'utf8'), content, name);
  }
});
