// torch.load and safeOpen read what a browser has (a Blob or File, a fetch Response, an ArrayBuffer) and
// torch.io.saveBlob writes a Blob; Node 20 has Blob and Response, so these run here against the golden
// checkpoints written by PyTorch (test/golden/io). Paths stay Node-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose } from '../helpers.js';
import { IO } from '../io/fixture.js';
import { goldenBytes } from '../io/scenarios.js';

type StateDict = Map<string, Tensor>;

function assertMlp(sd: StateDict, what: string): void {
  assert.deepEqual([...sd.keys()].sort(), Object.keys(IO.mlp.state_dict).sort(), `${what}: keys`);
  for (const [key, want] of Object.entries(IO.mlp.state_dict)) assertTensorClose(sd.get(key) as Tensor, want, { message: `${what}: ${key}`, rtol: 0, atol: 0 });
}

/** A Blob that records the byte ranges read from it. */
class CountingBlob extends Blob {
  readonly reads: number[] = [];
  override slice(start?: number, end?: number, type?: string): Blob {
    this.reads.push((end ?? this.size) - (start ?? 0));
    return super.slice(start, end, type);
  }
}

test('torch.load reads a .pt checkpoint and a safetensors file from a Blob, a Response and an ArrayBuffer', async () => {
  for (const name of ['mlp.pt', 'mlp.safetensors']) {
    const bytes = goldenBytes(name);
    const copy = bytes.slice();
    assertMlp(await torch.load<StateDict>(new Blob([copy])), `${name} Blob`);
    assertMlp(await torch.load<StateDict>(new Response(copy)), `${name} Response`);
    assertMlp(await torch.load<StateDict>(copy.buffer), `${name} ArrayBuffer`);
    assertMlp(await torch.io.load<StateDict>(new File([copy], name)), `${name} File`);
  }
});

test('torch.load of a failed Response, or of something that is not a source, says what went wrong', async () => {
  await assert.rejects(torch.load(new Response('gone', { status: 404, statusText: 'Not Found' })), { message: 'torch.load: the response: HTTP 404 Not Found' });
  await assert.rejects(torch.load(42 as never), {
    name: 'TypeError', message: 'torch.load: expected a path, a URL, a Uint8Array, an ArrayBuffer, a Blob or a Response, got number',
  });
  await assert.rejects(torch.load(new Map() as never), { name: 'TypeError', message: /got Map$/ });
});

test('safeOpen on a Blob reads the header, then only the tensors asked for', async () => {
  const bytes = goldenBytes('mlp.safetensors');
  const blob = new CountingBlob([bytes.slice()]);
  const file = await torch.io.safeOpen(blob);
  const headerBytes = blob.reads.reduce((a, b) => a + b, 0);
  const [name, want] = Object.entries(IO.mlp.state_dict)[0];
  const tensor = await file.getTensor(name);
  assertTensorClose(tensor, want, { message: name, rtol: 0, atol: 0 });
  assert.equal(blob.reads.length, 3, 'header length, header, one tensor');
  assert.equal(blob.reads.reduce((a, b) => a + b, 0) - headerBytes, tensor.numel() * 4, 'the tensor\'s bytes only');
  assert.deepEqual(file.keys(), Object.keys(IO.mlp.state_dict).sort());
  await file.close();
  const fromResponse = await torch.io.safeOpen(new Response(bytes.slice()));
  assertTensorClose(await fromResponse.getTensor(name), want, { message: `${name} from a Response`, rtol: 0, atol: 0 });
});

test('torch.io.saveBlob writes the bytes of saveBytes, which load back', async () => {
  const sd = await torch.load<StateDict>(goldenBytes('mlp.pt'));
  for (const format of ['pt', 'safetensors'] as const) {
    const blob = torch.io.saveBlob(sd, { format });
    assert.equal(blob.type, 'application/octet-stream');
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), torch.io.saveBytes(sd, { format }), format);
    assertMlp(await torch.load<StateDict>(blob), `saveBlob ${format}`);
  }
});

test('torch.save to a path outside Node fails with what to use instead', async () => {
  const node = Object.getOwnPropertyDescriptor(globalThis, 'process') as PropertyDescriptor;
  // Hidden only while save() runs up to its first await, which is where it checks where it runs.
  Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
  let saving: Promise<void>;
  try {
    saving = torch.save(torch.ones(2), 'model.pt');
  } finally {
    Object.defineProperty(globalThis, 'process', node);
  }
  await assert.rejects(saving, { message: 'torch.save: writing to a path needs Node.js; in browsers use torch.io.saveBytes or torch.io.saveBlob' });
});
