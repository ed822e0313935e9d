// The autograd tutorial example prints what PyTorch printed for the same program
// (../shared/seed/autograd_tutorial.py, output copied to test/golden/autograd_tutorial.pytorch.out),
// line for line, object addresses aside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ADDRESS = / object at 0x[0-9a-f]+>/g;

test('examples/autograd-tutorial prints PyTorch output line for line', () => {
  const script = fileURLToPath(new URL('../../examples/autograd-tutorial.js', import.meta.url));
  const ours = execFileSync(process.execPath, [script], { encoding: 'utf8' });
  const theirs = readFileSync(new URL('../../../test/golden/autograd_tutorial.pytorch.out', import.meta.url), 'utf8');
  const normalise = (s: string) => s.replace(ADDRESS, ' object at 0x>').trimEnd().split('\n');
  assert.deepEqual(normalise(ours), normalise(theirs));
});
