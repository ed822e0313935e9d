// einsum: a composite of sums, diagonals and bmm that follows PyTorch 2.x's Linear.cpp einsum step by
// step, because the path taken decides the grad_fn of the result and which component op reports a
// shape or dtype error.
import { Tensor, pyTypeName } from '../tensor/tensor.js';

const LETTERS = 26;
const TOTAL_LABELS = 2 * LETTERS;
const ELLIPSIS = TOTAL_LABELS;

/** Labels A-Z are subscripts 0-25 and a-z 26-51, as PyTorch numbers them (this sets the output order). */
function subscriptOf(label: string): number {
  const c = label.charCodeAt(0);
  return c <= 90 ? c - 65 : c - 97 + LETTERS;
}

function labelOf(subscript: number): string {
  return String.fromCharCode(subscript < LETTERS ? subscript + 65 : subscript - LETTERS + 97);
}

function isLetter(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

function einsumOperands(equation: unknown, args: readonly unknown[]): Tensor[] {
  if (args.length === 0) {
    throw new Error('einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list');
  }
  if (typeof equation !== 'string') {
    throw new TypeError(`einsum(): argument 'equation' (position 1) must be str, not ${pyTypeName(equation)}`);
  }
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (list.length === 0) return einsumOperands(equation, list);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`expected Tensor as element ${i} in argument 1, but got ${pyTypeName(t)}`);
  });
  return list as Tensor[];
}

/** Parses the operands' labels (ELLIPSIS for `...`), with PyTorch's errors. */
function parseInputLabels(lhs: string, numOps: number): number[][] {
  const labels: number[][] = Array.from({ length: numOps }, () => []);
  let ellipsisSeen = false;
  let op = 0;
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i];
    if (c === ' ') continue;
    if (c === '.') {
      if (ellipsisSeen) throw new Error(`einsum(): found '.' for operand ${op} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.')) {
        throw new Error(`einsum(): found '.' for operand ${op} that is not part of any ellipsis`);
      }
      labels[op].push(ELLIPSIS);
      ellipsisSeen = true;
    } else if (c === ',') {
      op++;
      if (op >= numOps) throw new Error('einsum(): fewer operands were provided than specified in the equation');
      ellipsisSeen = false;
    } else {
      if (!isLetter(c)) {
        throw new Error(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      }
      labels[op].push(subscriptOf(c));
    }
  }
  if (op !== numOps - 1) throw new Error('einsum(): more operands were provided than specified in the equation');
  return labels;
}

/**
 * Einstein summation: `einsum('ij,jk->ik', a, b)` (or with the operands in one array). Implicit output
 * (no `->`) is the ellipsis dims then the labels seen once, in alphabetical order (upper case first).
 * Operands are contracted left to right, each pair by one bmm, as PyTorch does without opt_einsum.
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor {
  const ops0 = einsumOperands(equation, operands);
  const numOps = ops0.length;
  const arrow = equation.indexOf('->');
  const lhs = arrow === -1 ? equation : equation.slice(0, arrow);
  const opLabels = parseInputLabels(lhs, numOps);

  const labelCount = new Array<number>(TOTAL_LABELS).fill(0);
  let ellNumDim = 0;
  ops0.forEach((operand, i) => {
    const ndims = operand.dim();
    let nlabels = opLabels[i].length;
    let hasEllipsis = false;
    for (const label of opLabels[i]) {
      if (label === ELLIPSIS) {
        nlabels--;
        hasEllipsis = true;
        ellNumDim = Math.max(ellNumDim, ndims - nlabels);
      } else {
        labelCount[label]++;
      }
    }
    if (hasEllipsis ? nlabels > ndims : nlabels !== ndims) {
      throw new Error(
        `einsum(): the number of subscripts in the equation (${nlabels}) ${hasEllipsis ? 'is more than' : 'does not match'} the number of dimensions (${ndims}) for operand ${i}${hasEllipsis ? '' : ' and no ellipsis was given'}`,
      );
    }
  });

  // Every label gets an index in the aligned shape: output dims first, then contracted dims.
  const labelPermIndex = new Array<number>(TOTAL_LABELS).fill(-1);
  let permIndex = 0;
  let ellIndex = 0;
  let ellInOutput = false;
  if (arrow === -1) {
    permIndex = ellNumDim;
    ellInOutput = true;
    for (let label = 0; label < TOTAL_LABELS; label++) if (labelCount[label] === 1) labelPermIndex[label] = permIndex++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === ' ') continue;
      if (c === '.') {
        if (ellInOutput) throw new Error("einsum(): found '.' for output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.')) {
          throw new Error("einsum(): found '.' for output that is not part of any ellipsis (...)");
        }
        ellIndex = permIndex;
        permIndex += ellNumDim;
        ellInOutput = true;
      } else {
        if (!isLetter(c)) {
          throw new Error(`einsum(): invalid subscript given at index ${lhs.length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`);
        }
        const s = subscriptOf(c);
        if (!(labelCount[s] > 0 && labelPermIndex[s] === -1)) {
          throw new Error(
            `einsum(): output subscript ${c}${labelPermIndex[s] > -1 ? ' appears more than once in the output' : ' does not appear in the equation for any input operand'}`,
          );
        }
        labelPermIndex[s] = permIndex++;
      }
    }
  }
  const outNumDim = permIndex;
  if (!ellInOutput) {
    ellIndex = permIndex;
    permIndex += ellNumDim;
  }
  for (let label = 0; label < TOTAL_LABELS; label++) {
    if (labelCount[label] > 0 && labelPermIndex[label] === -1) labelPermIndex[label] = permIndex++;
  }

  // Align every operand to the permuted shape: check sizes, take diagonals of repeated labels,
  // unsqueeze missing dims. dimCounts counts the operands where each dim has size != 1.
  const labelSize = new Array<number>(TOTAL_LABELS).fill(1);
  const ellSizes = new Array<number>(ellNumDim).fill(1);
  const dimCounts = new Array<number>(permIndex).fill(0);
  const ops: Tensor[] = ops0.map((operand, i) => {
    let op = operand;
    const permutation = new Array<number>(permIndex).fill(-1);
    let dim = 0;
    for (const s of opLabels[i]) {
      if (s === ELLIPSIS) {
        const ndim = operand.dim() - (opLabels[i].length - 1);
        for (let j = ellNumDim - ndim; j < ellNumDim; j++) {
          const size = op.shape_[dim];
          if (size !== 1) {
            if (!(ellSizes[j] === 1 || ellSizes[j] === size)) {
              throw new Error(
                `einsum(): dimension ${dim} covered by ellipsis in operand ${i}has size ${size} which does not broadcast with previously seen ellipsis with size ${ellSizes[j]} for the respective dimension`,
              );
            }
            ellSizes[j] = size;
            dimCounts[ellIndex + j]++;
          }
          permutation[ellIndex + j] = dim++;
        }
      } else if (permutation[labelPermIndex[s]] === -1) {
        const size = op.shape_[dim];
        if (size !== 1) {
          if (!(labelSize[s] === 1 || labelSize[s] === size)) {
            throw new Error(
              `einsum(): subscript ${labelOf(s)} has size ${size} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`,
            );
          }
          labelSize[s] = size;
          dimCounts[labelPermIndex[s]]++;
        }
        permutation[labelPermIndex[s]] = dim++;
      } else {
        const prev = permutation[labelPermIndex[s]];
        if (op.shape_[dim] !== op.shape_[prev]) {
          throw new Error(
            `einsum(): subscript ${labelOf(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape_[dim]} != ${op.shape_[prev]}`,
          );
        }
        op = op.diagonal(0, prev, dim).movedim(-1, prev);
      }
    }
    for (let k = 0; k < permutation.length; k++) {
      if (permutation[k] === -1) {
        op = op.unsqueeze(dim);
        permutation[k] = dim++;
      }
    }
    return op.permute(permutation);
  });

  while (ops.length > 1) {
    let a = ops.shift() as Tensor;
    let b = ops.shift() as Tensor;
    // Contracted dims that no later operand has are summed now: by the product when both have them,
    // by a plain sum when only one does.
    const sumDims: number[] = [];
    const aDimsToSum: number[] = [];
    const bDimsToSum: number[] = [];
    for (let dim = outNumDim; dim < permIndex; dim++) {
      if (a.shape_[dim] !== 1 && b.shape_[dim] !== 1) {
        if (--dimCounts[dim] === 1) {
          sumDims.push(dim);
          dimCounts[dim] = 0;
        }
      } else if (dimCounts[dim] === 1) {
        if (a.shape_[dim] !== 1) {
          aDimsToSum.push(dim);
          dimCounts[dim] = 0;
        } else if (b.shape_[dim] !== 1) {
          bDimsToSum.push(dim);
          dimCounts[dim] = 0;
        }
      }
    }
    if (aDimsToSum.length > 0) a = a.sum(aDimsToSum, { keepdim: true });
    if (bDimsToSum.length > 0) b = b.sum(bDimsToSum, { keepdim: true });
    ops.unshift(sumProductPair(a, b, sumDims));
  }

  const result = ops[0];
  if (permIndex - outNumDim === 0) return result;
  // With several operands the contracted dims are all size 1 by now.
  if (numOps > 1) return result.view(result.shape_.slice(0, outNumDim));
  return result.sum(Array.from({ length: permIndex - outNumDim }, (_, k) => outNumDim + k));
}

/**
 * `(left * right).sum(sumDims, keepdim=True)` for aligned operands of equal rank, as one bmm over the
 * dims both have (PyTorch's sumproduct_pair).
 */
function sumProductPair(leftIn: Tensor, rightIn: Tensor, sumDims: readonly number[]): Tensor {
  if (sumDims.length === 0) return leftIn.mul(rightIn);
  let left = leftIn;
  let right = rightIn;
  const isSummed = new Set(sumDims);
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  let lroSize = 1;
  let loSize = 1;
  let roSize = 1;
  let sumSize = 1;
  for (let i = 0; i < left.dim(); i++) {
    const sl = left.shape_[i] !== 1;
    const sr = right.shape_[i] !== 1;
    if (isSummed.has(i)) {
      if (sl && sr) sumSize *= left.shape_[i];
      else if (sl) left = left.sum(i, { keepdim: true });
      else if (sr) right = right.sum(i, { keepdim: true });
    } else if (sl && sr) {
      lro.push(i);
      lroSize *= left.shape_[i];
    } else if (sl) {
      lo.push(i);
      loSize *= left.shape_[i];
    } else {
      ro.push(i);
      roSize *= right.shape_[i];
    }
  }
  const outSize = [...lro.map((d) => left.shape_[d]), ...lo.map((d) => left.shape_[d]), ...sumDims.map(() => 1), ...ro.map((d) => right.shape_[d])];
  const lperm = [...lro, ...lo, ...sumDims, ...ro];
  const rperm = [...lro, ...sumDims, ...ro, ...lo];
  const operm = new Array<number>(lperm.length);
  lperm.forEach((d, k) => (operm[d] = k));
  const l3 = left.permute(lperm).reshape([lroSize, loSize, sumSize]);
  const r3 = right.permute(rperm).reshape([lroSize, sumSize, roSize]);
  return l3.bmm(r3).view(outSize).permute(operm);
}
