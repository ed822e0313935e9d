// Shared by the view, shape and indexing tests: the input layouts the generators apply before an op
// (tools/golden/gen_shape.py's PRE), the squared-output form used for second derivatives, and the
// check of recorded output layouts (strides, storage offset, shared storage and version counter, output_nr).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { decodeTensor, decodeValue, loadFixture } from '../helpers.js';
import type { OpCall, OpCase } from './harness.js';

/** Layout codes: transforms of the first input that make it non-contiguous or offset. */
export const PRE: Record<number, (x: Tensor) => Tensor> = {
  0: (x) => x,
  1: (x) => x.transpose(0, 1),
  2: (x) => x.slice(-1, null, null, 2),
  3: (x) => x.permute(Array.from({ length: x.dim() }, (_, i) => x.dim() - 1 - i)),
  4: (x) => x.select(0, 1),
  5: (x) => x.slice(0, 1),
  6: (x) => x.expand([2, ...x.shape]),
};

export interface LayoutExtra {
  /** A PRE code for the first input. */
  pre?: number;
  /** 1: the output is squared (so that gradients depend on the input). */
  post?: number;
}

type Result = Tensor | readonly Tensor[];

/** A harness call from an op on the first input (after its layout) and the other inputs. */
export function withLayout<E extends LayoutExtra>(op: (x: Tensor, rest: Tensor[], e: E) => Result): OpCall {
  return (xs: Tensor[], e: never) => {
    const extra = e as E;
    const out = op(PRE[extra.pre ?? 0](xs[0]), xs.slice(1), extra);
    if (extra.post !== 1) return out;
    return out instanceof torch.Tensor ? out.mul(out) : out.map((o) => o.mul(o));
  };
}

interface Layout {
  strides: number[];
  offset: number;
  shares: boolean;
  version: number;
  output_nr: number;
}

interface LayoutCase extends OpCase {
  layouts?: Layout[];
}

/** One test per case with recorded layouts: strides, storage offset, shared storage and version counter. */
export function checkLayouts(name: string, calls: Record<string, OpCall>): void {
  loadFixture<LayoutCase>(name).cases.forEach((c, i) => {
    const layouts = c.layouts;
    if (layouts === undefined) return;
    test(`${name} layout: ${c.key} #${i}`, () => {
      const inputs = c.inputs.map((enc, k) => decodeTensor(enc, { requiresGrad: c.requires_grad[k] }));
      const result = calls[c.key](inputs, decodeValue(c.extra) as never);
      const outs = result instanceof torch.Tensor ? [result] : [...result];
      assert.equal(outs.length, layouts.length, 'number of outputs');
      layouts.forEach((want, k) => {
        const out = outs[k];
        assert.deepEqual(out.stride(), want.strides, `output ${k}: strides`);
        assert.equal(out.storageOffset(), want.offset, `output ${k}: storage offset`);
        assert.equal(out.sharesStorageWith(inputs[0]), want.shares, `output ${k}: shares storage`);
        assert.equal(out.version, want.version, `output ${k}: version`);
        assert.equal(out.outputNr, want.output_nr, `output ${k}: output_nr`);
      });
      // Views share their base's version counter: an in-place change of the input shows in them.
      if (layouts.some((want) => want.shares)) {
        torch.noGrad(() => inputs[0].copy_(inputs[0].clone()));
        layouts.forEach((want, k) => {
          if (want.shares) assert.equal(outs[k].version, want.version + 1, `output ${k}: shares the version counter`);
        });
      }
    });
  });
}
