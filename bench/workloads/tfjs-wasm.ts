// The workloads with a TensorFlow.js target (the speed issue's WebAssembly goals: GEMM and W4 against
// TensorFlow.js's wasm backend, one thread), written in TensorFlow.js on the same numbers as tstorch:
// the data are drawn by tstorch from manualSeed(0), as PyTorch draws them, and copied over.
import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as torch from 'tstorch';
import type { CaseParams } from './cases.js';
import type { Prepared } from './prepared.js';
import { mlpSetup } from './w4-mlp.js';

const toTf = (t: torch.Tensor): tf.Tensor => tf.tensor(t.flatten().tolist() as number[], t.shape, 'float32');

function matmul(n: number): Prepared {
  torch.manualSeed(0);
  const a = toTf(torch.randn([n, n]));
  const b = toTf(torch.randn([n, n]));
  // The wasm backend computes when the op is called; the product is freed as tstorch's and PyTorch's are.
  return { step: () => tf.matMul(a, b).dispose() };
}

function mlp(batch: number): Prepared {
  const { model, input, target } = mlpSetup(batch);
  // nn.Linear keeps its weight as [out, in]: the layer is x @ weight^T + bias.
  const [w1, b1, w2, b2, w3, b3] = model.parameters().map((p) => tf.variable(toTf(p.detach())));
  const x = toTf(input);
  const labels = tf.oneHot(tf.tensor1d(target.tolist() as number[], 'int32'), 10);
  const linear = (h: tf.Tensor, w: tf.Variable, b: tf.Variable): tf.Tensor => tf.add(tf.matMul(h, w, false, true), b);
  // softmaxCrossEntropy's default reduction is the mean over the batch, as nn.CrossEntropyLoss's.
  const loss = (): tf.Scalar =>
    tf.losses.softmaxCrossEntropy(labels, linear(tf.relu(linear(tf.relu(linear(x, w1, b1)), w2, b2)), w3, b3)) as tf.Scalar;
  // TensorFlow.js's momentum (accumulator = 0.9 accumulator + grad; var -= lr accumulator) is SGD's.
  const optimizer = tf.train.momentum(0.01, 0.9);
  const initialLoss = tf.tidy(() => loss().dataSync()[0]);
  return { initialLoss, step: () => tf.tidy(() => void optimizer.minimize(loss, false, [w1, b1, w2, b2, w3, b3])) };
}

/** Starts TensorFlow.js's wasm backend on one thread (its SIMD module) and builds the case. */
export async function tfjsPrepare(params: CaseParams): Promise<Prepared> {
  // tfjs-core's main module registers no gradients (the 300 MB @tensorflow/tfjs package would): W4
  // needs them, from tfjs-core's ES module files, which tfjs-resolve.ts makes loadable in Node.
  register('./tfjs-resolve.js', import.meta.url);
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js could not start its wasm backend');
  if (params.workload === 'W3' && !params.backward) return matmul(params.n);
  if (params.workload === 'W4') return mlp(params.batch);
  throw new Error(`TensorFlow.js does not run ${params.workload} here`);
}

export const tfjsVersion = (): string => tf.version_core;

/** What TensorFlow.js's backend runs on, for the results: its wasm module with or without SIMD. */
export async function tfjsDescription(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `TensorFlow.js wasm backend${simd === true ? ', SIMD' : ''}, 1 thread`;
}
