// Views that reorder dims: permute, transpose (swapaxes, swapdims), t, x.mT, x.T and movedim
// (moveaxis). The view machinery they build on is in view.ts.
import { Tensor } from '../tensor/tensor.js';
import { normalizeDim, shapeStr } from '../tensor/layout.js';
import { warn } from '../tensor/warnings.js';
import { checkTensor } from './elementwise.js';
import type { BackwardFormula } from '../autograd/node.js';
import { intListArg, varargsIntList } from '../tensor/args.js';
import { alias, makeView, type ShapeArgs } from './view.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** Transpose of the last two dims (`x.mT`). */
    readonly mT: Tensor;
    /** All dims reversed (`x.T`). */
    readonly T: Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
  }
}

// ---- permutations ----

function permuteImpl(self: Tensor, dims: number[], name: string): Tensor {
  const nd = self.dim();
  if (dims.length !== nd) {
    throw new Error(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const norm = dims.map((d) => normalizeDim(d, nd));
  if (new Set(norm).size !== nd) throw new Error('permute(): duplicate dims are not allowed.');
  const inverse = new Array<number>(nd);
  norm.forEach((d, i) => (inverse[d] = i));
  return makeView(self, norm.map((d) => self.shape_[d]), norm.map((d) => self.strides_[d]), self.offset_, {
    name,
    backward: ([g]) => [(g as Tensor).permute(inverse)],
  });
}

Tensor.prototype.permute = function (this: Tensor, ...args: ShapeArgs): Tensor {
  return permuteImpl(this, varargsIntList(args, 'permute', 'dims'), 'PermuteBackward0');
};

function transposeImpl(self: Tensor, dim0: number, dim1: number, name: string, backward: BackwardFormula): Tensor {
  const nd = self.dim();
  const a = normalizeDim(dim0, nd);
  const b = normalizeDim(dim1, nd);
  const shape = [...self.shape_];
  const strides = [...self.strides_];
  if (a !== b) {
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [strides[a], strides[b]] = [strides[b], strides[a]];
  }
  return makeView(self, shape, strides, self.offset_, { name, backward });
}

Tensor.prototype.transpose = function (this: Tensor, dim0: number, dim1: number): Tensor {
  return transposeImpl(this, dim0, dim1, 'TransposeBackward0', ([g]) => [(g as Tensor).transpose(dim0, dim1)]);
};
Tensor.prototype.swapaxes = Tensor.prototype.transpose;
Tensor.prototype.swapdims = Tensor.prototype.transpose;

Tensor.prototype.t = function (this: Tensor): Tensor {
  if (this.dim() > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${this.dim()}D`);
  return transposeImpl(this, 0, this.dim() < 2 ? 0 : 1, 'TBackward0', ([g]) => [(g as Tensor).t()]);
};

Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor): Tensor {
    if (this.dim() < 2) throw new Error(`tensor.mT is only supported on matrices or batches of matrices. Got ${this.dim()}-D tensor.`);
    return this.transpose(-2, -1);
  },
});

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor): Tensor {
    const nd = this.dim();
    if (nd !== 2 && nd !== 0) {
      warn(
        'The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.',
      );
    }
    // PyTorch 2.x returns an alias for 0-dim tensors.
    if (nd === 0) return alias(this);
    return permuteImpl(this, Array.from({ length: nd }, (_, i) => nd - 1 - i), 'PermuteBackward0');
  },
});

Tensor.prototype.movedim = function (this: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = intListArg(source, 'movedim', 'source', 1, true);
  const dst = intListArg(destination, 'movedim', 'destination', 2, true);
  const nd = this.dim();
  if (src.length !== dst.length) {
    throw new Error(
      `movedim: Invalid source or destination dims: source (${shapeStr(src)} dims) should contain the same number of dims as destination (${shapeStr(dst)} dims)`,
    );
  }
  const s = src.map((d) => normalizeDim(d, nd));
  const t = dst.map((d) => normalizeDim(d, nd));
  if (new Set(s).size !== s.length) throw new Error(`movedim: repeated dim in \`source\` (${shapeStr(src)})`);
  if (new Set(t).size !== t.length) throw new Error(`movedim: repeated dim in \`destination\` (${shapeStr(dst)})`);
  // Moved dims take their destinations; the others keep their relative order in the free places.
  const order = new Array<number>(nd).fill(-1);
  s.forEach((d, i) => (order[t[i]] = d));
  const rest = Array.from({ length: nd }, (_, i) => i).filter((i) => !s.includes(i));
  for (let i = 0, k = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[k++];
  return permuteImpl(this, order, 'PermuteBackward0');
};
Tensor.prototype.moveaxis = Tensor.prototype.movedim;

// ---- torch.* functions ----

export function permute(input: Tensor, dims: readonly number[]): Tensor {
  checkTensor(input, 'permute');
  return input.permute(dims);
}

export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(input, 'transpose');
  return input.transpose(dim0, dim1);
}
export { transpose as swapaxes, transpose as swapdims };

export function t(input: Tensor): Tensor {
  checkTensor(input, 't');
  return input.t();
}

export function movedim(input: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor(input, 'movedim');
  return input.movedim(source, destination);
}
export { movedim as moveaxis };
