// Bad arguments to nn.init, nn.utils, the nn layers' constructors and torch.utils.data raise PyTorch's
// messages. Those under PYTORCH were recorded with PyTorch 1.13 (the same call from /usr/bin/python3);
// where PyTorch has no message of its own (an AttributeError or TypeError from inside its Python code,
// a constructor that stores anything and fails at the first forward, a JavaScript options object that
// is not an object, a bigint where an int goes) the message names the function, the argument and what
// was expected. api-validation.test.ts walks these functions and classes with bad arguments (groups
// nnInit, nnUtils, data, constructors); this file pins the wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { testMessages, type Case } from './message-cases.js';

const { nn } = torch;
const init = nn.init;
const data = torch.utils.data;

/** A value of the wrong type, passed where the types would not allow it. */
const bad = (v: unknown): never => v as never;

const w = (): torch.Tensor => torch.ones(2, 3);
const dataset = (): torch.utils.data.TensorDataset => new data.TensorDataset(torch.arange(10));

/** Messages recorded from PyTorch. */
const PYTORCH: Record<string, Case> = {
  'kaiming_uniform_ a': [() => init.kaimingUniform_(w(), bad('a')), 'negative_slope a not a valid number'],
  'kaiming_normal_ nonlinearity': [() => init.kaimingNormal_(w(), 0, 'fan_in', bad('bad')), 'Unsupported nonlinearity bad'],
  'calculate_gain 5': [() => init.calculateGain(bad(5)), 'Unsupported nonlinearity 5'],
  'Linear in_features': [() => new nn.Linear(bad('a'), 3), "empty(): argument 'size' must be tuple of SymInts, but found element of type str at pos 2"],
  'Linear negative out_features': [() => new nn.Linear(2, -3), 'Trying to create tensor with negative dimension -3: [-3, 2]'],
  'BatchNorm1d negative num_features': [() => new nn.BatchNorm1d(-1), 'Trying to create tensor with negative dimension -1: [-1]'],
  'GroupNorm divisible': [() => new nn.GroupNorm(3, 2), 'num_channels must be divisible by num_groups'],
  'Embedding padding_idx': [() => new nn.Embedding(3, 2, { paddingIdx: 5 }), 'Padding_idx must be within num_embeddings'],
  'Dropout p': [() => new nn.Dropout(1.5), 'dropout probability has to be between 0 and 1, but got 1.5'],
  'ParameterList not iterable': [() => new nn.ParameterList(bad(3)), 'ParameterList.extend should be called with an iterable, but got int'],
  'ParameterDict not iterable': [() => new nn.ParameterDict(bad(3)), 'ParametersDict.update should be called with an iterable of key/value pairs, but got int'],
  'ParameterDict element': [() => new nn.ParameterDict(bad([3])), 'ParameterDict update sequence element #0 should be Iterable; isint'],
  'ParameterDict pair length': [() => new nn.ParameterDict(bad([[1, 2, 3]])), 'ParameterDict update sequence element #0 has length 3; 2 is required'],
  'random_split sum': [() => data.randomSplit(dataset(), [5, 5.5]), 'Sum of input lengths does not equal the length of the input dataset!'],
  'RandomSampler replacement': [() => new data.RandomSampler(dataset(), { replacement: bad('a') }), 'replacement should be a boolean value, but got replacement=a'],
  'RandomSampler num_samples': [() => new data.RandomSampler(dataset(), { numSamples: -1 }), 'num_samples should be a positive integer value, but got num_samples=-1'],
  'DataLoader batch_size': [() => new data.DataLoader(dataset(), { batchSize: 0 }), 'batch_size should be a positive integer value, but got batch_size=0'],
  'Unflatten unflattened_size': [() => new nn.Unflatten(1, bad('a')), 'unflattened_size must be a tuple of ints, but found type str'],
  'Unflatten unflattened_size element': [() => new nn.Unflatten(1, bad([2, 'a'])), 'unflattened_size must be tuple of ints, but found element of type str at pos 1'],
  'default_collate number then str': [() => data.defaultCollate(bad([1, 'a'])), "new(): invalid data type 'str'"],
  // KeyError('a'), whose message is the key's repr.
  'default_collate dicts without the same keys': [() => data.defaultCollate(bad([{ a: 1 }, { b: 1 }])), "'a'"],
  'DataLoader batch of a batch_sampler': [() => [...new data.DataLoader(dataset(), { batchSampler: bad([0, 1]) })], "'int' object is not iterable"],
  'DataLoader drop_last': [() => new data.DataLoader(dataset(), { dropLast: bad('a') }), 'drop_last should be a boolean value, but got drop_last=a'],
};

/** Where PyTorch has no message of its own. */
const OURS: Record<string, Case> = {
  // nn.init: PyTorch raises AttributeError ('str' object has no attribute 'uniform_') or the tensor
  // method's message, which names the method's parameter, not the init function's.
  'uniform_ tensor': [() => init.uniform_(bad('x')), "uniform_(): argument 'tensor' (position 1) must be Tensor, not str"],
  'xavier_uniform_ tensor None': [() => init.xavierUniform_(bad(null)), "xavier_uniform_(): argument 'tensor' (position 1) must be Tensor, not NoneType"],
  'calculate_fan_in_and_fan_out tensor': [() => init.calculateFanInAndFanOut(bad(3)), "calculate_fan_in_and_fan_out(): argument 'tensor' (position 1) must be Tensor, not int"],
  'uniform_ a': [() => init.uniform_(w(), bad('a')), "uniform_(): argument 'a' (position 2) must be float, not str"],
  'normal_ std': [() => init.normal_(w(), 0, bad('a')), "normal_(): argument 'std' (position 3) must be float, not str"],
  'trunc_normal_ b in options': [() => init.truncNormal_(w(), { b: bad('a') }), "trunc_normal_(): argument 'b' (position 5) must be float, not str"],
  'kaiming_uniform_ mode': [() => init.kaimingUniform_(w(), 0, bad(5)), "kaiming_uniform_(): argument 'mode' (position 3) must be str, not int"],
  'uniform_ options': [() => init.uniform_(w(), 0, 1, bad('x')), 'uniform_(): expected an options object for the keyword arguments, but got str'],
  'sparse_ sparsity': [() => init.sparse_(w(), bad(undefined)), "sparse_(): argument 'sparsity' (position 2) must be float, not NoneType"],
  'dirac_ groups': [() => init.dirac_(torch.ones(2, 2, 3), 1.5), "dirac_(): argument 'groups' (position 2) must be int, not float"],
  'dirac_ groups 0': [() => init.dirac_(torch.ones(2, 2, 3), 0), "dirac_(): argument 'groups' must not be 0"],
  // nn.utils: PyTorch raises "'int' object is not iterable" or AttributeError.
  'clip_grad_norm_ parameters': [() => nn.utils.clipGradNorm_(bad(3), 1), "clip_grad_norm_(): argument 'parameters' must be a Tensor or an iterable of Tensors, not int"],
  'clip_grad_norm_ element': [() => nn.utils.clipGradNorm_([w(), bad('a')], 1), "clip_grad_norm_(): argument 'parameters' must be an iterable of Tensors, but found element of type str at pos 2"],
  'clip_grad_norm_ max_norm': [() => nn.utils.clipGradNorm_(w(), bad('a')), "clip_grad_norm_(): argument 'max_norm' (position 2) must be float, not str"],
  'clip_grad_norm_ norm_type': [() => nn.utils.clipGradNorm_(w(), 1, { normType: bad('a') }), "clip_grad_norm_(): argument 'norm_type' (position 3) must be float, not str"],
  'clip_grad_norm_ error_if_nonfinite': [() => nn.utils.clipGradNorm_(w(), 1, 2, bad('a')), "clip_grad_norm_(): argument 'error_if_nonfinite' (position 4) must be bool, not str"],
  'clip_grad_value_ clip_value': [() => nn.utils.clipGradValue_(w(), bad(null)), "clip_grad_value_(): argument 'clip_value' (position 2) must be float, not NoneType"],
  'parameters_to_vector parameters': [() => nn.utils.parametersToVector(bad(undefined)), "parameters_to_vector(): argument 'parameters' must be a Tensor or an iterable of Tensors, not NoneType"],
  'vector_to_parameters parameters': [() => nn.utils.vectorToParameters(torch.ones(6), bad([3])), "vector_to_parameters(): argument 'parameters' must be an iterable of Tensors, but found element of type int at pos 1"],
  // Constructors: PyTorch stores the value and fails at the first forward (or not at all).
  'MSELoss options': [() => new nn.MSELoss(bad('sum')), 'MSELoss(): expected an options object for the keyword arguments, but got str'],
  'MSELoss reduction type': [() => new nn.MSELoss({ reduction: bad(5) }), "MSELoss(): argument 'reduction' must be str, not int"],
  'CrossEntropyLoss weight': [() => new nn.CrossEntropyLoss({ weight: bad('a') }), "CrossEntropyLoss(): argument 'weight' must be Tensor, not str"],
  'CrossEntropyLoss ignore_index': [() => new nn.CrossEntropyLoss({ ignoreIndex: 1.5 }), "CrossEntropyLoss(): argument 'ignore_index' must be int, not float"],
  'HuberLoss delta': [() => new nn.HuberLoss({ delta: bad('a') }), "HuberLoss(): argument 'delta' must be float, not str"],
  'BatchNorm2d num_features': [() => new nn.BatchNorm2d(bad('a')), "BatchNorm2d(): argument 'num_features' (position 1) must be int, not str"],
  'BatchNorm1d eps': [() => new nn.BatchNorm1d(3, { eps: bad('a') }), "BatchNorm1d(): argument 'eps' must be float, not str"],
  'LayerNorm missing shape': [() => new nn.LayerNorm(bad(undefined)), "LayerNorm(): argument 'normalized_shape' (position 1) must be tuple of ints, not NoneType"],
  'LayerNorm shape element': [() => new nn.LayerNorm(bad([2, 'a'])), "LayerNorm(): argument 'normalized_shape' must be tuple of ints, but found element of type str at pos 2"],
  'GroupNorm num_channels': [() => new nn.GroupNorm(1, bad('a')), "GroupNorm(): argument 'num_channels' (position 2) must be int, not str"],
  'Conv2d in_channels bigint': [() => new nn.Conv2d(bad(3n), 2, 3), "Conv2d(): argument 'in_channels' (position 1) must be int, not bigint"],
  'Conv1d groups': [() => new nn.Conv1d(2, 2, 3, { groups: 1.5 }), "Conv1d(): argument 'groups' must be int, not float"],
  'RNNCell hidden_size bigint': [() => new nn.RNNCell(2, bad(3n)), "RNNCell(): argument 'hidden_size' (position 2) must be int, not bigint"],
  'LSTMCell bias': [() => new nn.LSTMCell(2, 3, { bias: bad('a') }), "LSTMCell(): argument 'bias' (position 3) must be bool, not str"],
  'Embedding options null weight': [() => new nn.Embedding(3, 2, { weight: bad('a') }), "Embedding(): argument 'weight' must be Tensor, not str"],
  'Linear options': [() => new nn.Linear(2, 3, bad('a')), 'Linear(): expected an options object for the keyword arguments, but got str'],
  'ReLU inplace': [() => new nn.ReLU(bad('a')), "ReLU(): argument 'inplace' (position 1) must be bool, not str"],
  'LeakyReLU negative_slope': [() => new nn.LeakyReLU(bad('a')), "LeakyReLU(): argument 'negative_slope' (position 1) must be Number, not str"],
  'Softmax dim': [() => new nn.Softmax(bad('a')), "Softmax(): argument 'dim' (position 1) must be int, not str"],
  'Flatten start_dim': [() => new nn.Flatten(bad('a')), "Flatten(): argument 'start_dim' (position 1) must be int, not str"],
  'Dropout p': [() => new nn.Dropout(bad('a')), "Dropout(): argument 'p' (position 1) must be float, not str"],
  'Dropout2d p': [() => new nn.Dropout2d(bad(null)), "Dropout2d(): argument 'p' (position 1) must be float, not NoneType"],
  'Dropout inplace': [() => new nn.Dropout(0.5, bad('a')), "Dropout(): argument 'inplace' (position 2) must be bool, not str"],
  'MaxPool2d kernel_size': [() => new nn.MaxPool2d(bad('a')), "MaxPool2d(): argument 'kernel_size' (position 1) must be tuple of ints, not str"],
  'AvgPool1d kernel_size': [() => new nn.AvgPool1d(bad(1.5)), "AvgPool1d(): argument 'kernel_size' (position 1) must be tuple of ints, not float"],
  'AdaptiveAvgPool2d output_size': [() => new nn.AdaptiveAvgPool2d(bad(['a'])), "AdaptiveAvgPool2d(): argument 'output_size' must be tuple of ints or None, but found element of type str at pos 1"],
  // torch.utils.data: PyTorch raises TypeErrors from inside (len() of an int, 'NoneType' object is not iterable).
  'random_split lengths': [() => data.randomSplit(dataset(), bad(3)), "random_split(): argument 'lengths' (position 2) must be a list of ints or fractions, not int"],
  'random_split negative length': [() => data.randomSplit(dataset(), [5, -5, 10]), 'random_split(): lengths must be non-negative ints (or fractions summing to 1), but found -5 at pos 2'],
  'random_split dataset': [() => data.randomSplit(bad(3), [1]), "random_split(): argument 'dataset' (position 1) must be a dataset (an object with getItem() and a length), not int"],
  'random_split generator': [() => data.randomSplit(dataset(), [5, 5], bad('g')), "random_split(): argument 'generator' (position 3) must be torch.Generator, not str"],
  'default_collate batch': [() => data.defaultCollate(bad(null)), "default_collate(): argument 'batch' (position 1) must be a list of samples, not NoneType"],
  'default_collate empty': [() => data.defaultCollate([]), 'default_collate: the batch is empty'],
  'default_collate mixed': [() => data.defaultCollate(bad([{ a: 1 }, null])), 'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found NoneType'],
  'DataLoader options': [() => new data.DataLoader(dataset(), bad('a')), 'DataLoader(): expected an options object for the keyword arguments, but got str'],
  'DataLoader shuffle': [() => new data.DataLoader(dataset(), { shuffle: bad('a') }), "DataLoader(): argument 'shuffle' must be bool, not str"],
  'DataLoader sampler': [() => new data.DataLoader(dataset(), { sampler: bad(3) }), "DataLoader(): argument 'sampler' must be an iterable of indices, not int"],
  'DataLoader collate_fn': [() => new data.DataLoader(dataset(), { collateFn: bad(3) }), "DataLoader(): argument 'collate_fn' must be a function, not int"],
  'RandomSampler data_source': [() => new data.RandomSampler(bad(undefined)), "RandomSampler(): argument 'data_source' (position 1) must be an object with a length, not NoneType"],
  'Subset indices': [() => new data.Subset(dataset(), bad([1, 'a'])), "Subset(): argument 'indices' must be tuple of ints, but found element of type str at pos 2"],
  'ConcatDataset datasets': [() => new data.ConcatDataset([dataset(), bad(3)]), "ConcatDataset(): argument 'datasets[1]' must be a dataset (an object with getItem() and a length), not int"],
  'SubsetRandomSampler generator': [() => new data.SubsetRandomSampler([1], bad('g')), "SubsetRandomSampler(): argument 'generator' (position 2) must be torch.Generator, not str"],
  'toTensor image': [() => data.datasets.toTensor(bad('x')), "to_tensor(): argument 'pic' (position 1) must be Tensor, not str"],
};

testMessages('nn.init, nn.utils, layer constructors and utils.data: argument errors', { PyTorch: PYTORCH, tstorch: OURS });

test('null options are Python None: the defaults', () => {
  const loader = new data.DataLoader(dataset(), bad(null));
  assert.equal(loader.batchSize, 1);
  assert.equal(new nn.MSELoss(bad(null)).reduction, 'mean');
  assert.equal(new nn.BatchNorm1d(3, bad(null)).eps, 1e-5);
  assert.equal(new nn.Embedding(3, 2, bad(null)).paddingIdx, null);
  assert.deepEqual(new nn.LayerNorm(3, bad(null)).normalizedShape, [3]);
  assert.equal(new data.RandomSampler(dataset(), bad(null)).replacement, false);
  assert.equal(new nn.Linear(2, 3, bad(null)).bias?.shape[0], 3);
});

test("default_collate's dtypes follow the first element, as PyTorch's (recorded from PyTorch 1.13)", () => {
  // An int first: torch.tensor(batch), the default dtype once a float follows; a float first: float64.
  const dtypeOf = (batch: readonly unknown[]): torch.DType => (data.defaultCollate(batch) as unknown as torch.Tensor).dtype;
  assert.equal(dtypeOf([1, 1.5]), torch.float32);
  assert.equal(dtypeOf([1.5, 1]), torch.float64);
  assert.equal(dtypeOf([1, 2]), torch.int64);
  assert.equal(dtypeOf([1, true]), torch.int64);
});

test('init functions still take their arguments positionally or in an options object', () => {
  torch.manualSeed(3);
  const a = init.truncNormal_(torch.empty(4), 0.5, 1, -1, 2).tolist();
  torch.manualSeed(3);
  const b = init.truncNormal_(torch.empty(4), { mean: 0.5, std: 1, a: -1, b: 2 }).tolist();
  assert.deepEqual(a, b);
});
