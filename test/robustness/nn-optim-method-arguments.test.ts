// Bad arguments to the methods of nn modules and optimizers raise PyTorch's messages (recorded from
// PyTorch 1.13 with the same call from /usr/bin/python3), or, where PyTorch has none of its own (an
// AttributeError from inside its Python code, a value it stores or takes as truthy), a message that
// names the method, the argument and what was expected. api-validation-instances.test.ts walks these
// methods with bad arguments; this file pins the wording.
import * as torch from 'tstorch';
import { testMessages, type Case } from './message-cases.js';

const { nn } = torch;

/** A value of the wrong type, passed where the types would not allow it. */
const bad = (v: unknown): never => v as never;

const lin = (): torch.nn.Linear => new nn.Linear(3, 2);
const param = (): torch.Tensor => torch.ones(2, { requiresGrad: true });
const sgd = (): torch.optim.SGD => new torch.optim.SGD([param()], { lr: 0.1 });
const stepLR = (): torch.optim.lrScheduler.StepLR => new torch.optim.lrScheduler.StepLR(sgd(), 2);
const stepLR0 = (): torch.optim.lrScheduler.StepLR => new torch.optim.lrScheduler.StepLR(sgd(), 0);
const plateau = (): torch.optim.lrScheduler.ReduceLROnPlateau => new torch.optim.lrScheduler.ReduceLROnPlateau(sgd());
const subset = (): torch.utils.data.Subset<torch.Tensor[]> => new torch.utils.data.Subset(new torch.utils.data.TensorDataset(torch.ones(3)), [0, 2]);

/** Messages recorded from PyTorch. */
const PYTORCH: Record<string, Case> = {
  'train mode': [() => lin().train(bad('x')), 'training mode is expected to be boolean'],
  'requires_grad_': [() => lin().requiresGrad_(bad('x')), "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not str"],
  'register_buffer name type': [() => lin().registerBuffer(bad(5), null), 'buffer name should be a string. Got int'],
  'register_buffer dotted name': [() => lin().registerBuffer('a.b', null), 'buffer name can\'t contain "."'],
  'register_buffer empty name': [() => lin().registerBuffer('', null), 'buffer name can\'t be empty string ""'],
  'register_buffer existing attribute': [() => lin().registerBuffer('weight', null), "attribute 'weight' already exists"],
  'register_buffer value': [() => lin().registerBuffer('a', bad(5)), "cannot assign 'int' object to buffer 'a' (torch Tensor or None required)"],
  'register_parameter value': [() => lin().registerParameter('a', bad(torch.ones(2))), "cannot assign 'torch.FloatTensor' object to parameter 'a' (torch.nn.Parameter or None required)"],
  'register_parameter name type': [() => lin().registerParameter(bad(5), null), 'parameter name should be a string. Got int'],
  'add_module value': [() => lin().addModule('a', bad(5)), 'int is not a Module subclass'],
  'add_module dotted name': [() => lin().addModule('a.b', new nn.ReLU()), 'module name can\'t contain ".", got: a.b'],
  'Linear forward shape': [() => lin().call(torch.ones(2, 4)), 'mat1 and mat2 shapes cannot be multiplied (2x4 and 3x2)'],
  'Conv2d forward dims': [() => new nn.Conv2d(1, 2, 2).call(torch.ones(2, 3)), 'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]'],
  'Conv2d forward channels': [() => new nn.Conv2d(1, 2, 2).call(torch.ones(1, 3, 4, 4)), 'Given groups=1, weight of size [2, 1, 2, 2], expected input[1, 3, 4, 4] to have 1 channels, but got 3 channels instead'],
  'BatchNorm2d forward dims': [() => new nn.BatchNorm2d(2).call(torch.ones(2, 3)), 'expected 4D input (got 2D input)'],
  'ReduceLROnPlateau step str': [() => plateau().step(bad('x')), "could not convert string to float: 'x'"],
  'ReduceLROnPlateau step list': [() => plateau().step(bad([1])), "float() argument must be a string or a real number, not 'list'"],
  'ReduceLROnPlateau step None': [() => plateau().step(bad(null)), "float() argument must be a string or a real number, not 'NoneType'"],
  'StepLR step_size 0': [() => stepLR0().step(), 'integer modulo by zero'],
  'CosineAnnealingLR T_max 0': [() => new torch.optim.lrScheduler.CosineAnnealingLR(sgd(), 0).step(), 'integer modulo by zero'],
  'LambdaLR lr_lambda': [() => new torch.optim.lrScheduler.LambdaLR(sgd(), bad('x')), "'str' object is not callable"],
  'Subset index': [() => subset().getItem(bad('x')), 'list indices must be integers or slices, not str'],
  'to integer dtype': [() => lin().to(torch.int64), 'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64'],
  'load_state_dict not a dict': [() => lin().loadStateDict(bad('x')), "Expected state_dict to be dict-like, got <class 'str'>."],
  'load_state_dict None': [() => lin().loadStateDict(bad(null)), "Expected state_dict to be dict-like, got <class 'NoneType'>."],
  'load_state_dict value': [
    () => lin().loadStateDict(new Map([['weight', bad(5)], ['bias', torch.ones(2)]])),
    'Error(s) in loading state_dict for Linear:\n\tWhile copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received <class \'int\'>',
  ],
  'load_state_dict shape': [
    () => lin().loadStateDict(new Map([['weight', torch.ones(3, 3)], ['bias', torch.ones(2)]])),
    'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([2, 3]).',
  ],
  'get_submodule missing': [() => lin().getSubmodule('x'), 'Linear has no attribute `x`'],
  'get_buffer not a buffer': [() => lin().getBuffer('weight'), '`weight` is not a buffer'],
  'ModuleDict missing key': [() => new nn.ModuleDict({ a: new nn.ReLU() }).get('b'), "'b'"],
  'ModuleDict value': [() => new nn.ModuleDict({ a: new nn.ReLU() }).set('b', bad(5)), 'int is not a Module subclass'],
  'Sequential index': [() => new nn.Sequential(new nn.ReLU()).at(5), 'index 5 is out of range'],
  'Sequential append': [() => new nn.Sequential(new nn.ReLU()).append(bad(5)), 'int is not a Module subclass'],
  'Sequential insert': [() => new nn.Sequential(new nn.ReLU()).insert(9, new nn.ReLU()), 'Index out of range: 9'],
  'Sequential insert index': [() => new nn.Sequential(new nn.ReLU()).insert(0.5, new nn.ReLU()), "'float' object cannot be interpreted as an integer"],
  'Sequential slice': [() => new nn.Sequential(new nn.ReLU()).slice(bad('a')), 'slice indices must be integers or None or have an __index__ method'],
  'step closure': [() => sgd().step(bad('x')), "'str' object is not callable"],
  'add_param_group duplicate': [() => { const p = param(); new torch.optim.SGD([p], { lr: 0.1 }).addParamGroup({ params: [p] }); }, 'some parameters appear in more than one parameter group'],
  'add_param_group non-leaf': [() => sgd().addParamGroup({ params: [param().mul(2)] }), "can't optimize a non-leaf Tensor"],
  'add_param_group element': [() => sgd().addParamGroup({ params: [bad(5)] }), 'optimizer can only optimize Tensors, but one of the params is int'],
  // Python's KeyError: its message is the key's repr.
  'add_param_group without params': [() => sgd().addParamGroup(bad({ lr: 0.1 })), "'params'"],
  'optimizer load_state_dict groups': [() => sgd().loadStateDict({ state: {}, paramGroups: [] }), 'loaded state dict has a different number of parameter groups'],
  'optimizer load_state_dict group size': [
    () => sgd().loadStateDict(bad({ state: {}, paramGroups: [{ params: [0, 1] }] })),
    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
  ],
};

/** Where PyTorch has no message of its own. */
const OURS: Record<string, Case> = {
  // PyTorch 2.x's wording (1.13 asserts "param group must be a dict").
  'add_param_group not a dict': [() => sgd().addParamGroup(bad('x')), 'param_group must be a dict, but got str'],
  // PyTorch: "'int' object has no attribute 'split'".
  'get_submodule target': [() => lin().getSubmodule(bad(5)), "get_submodule(): argument 'target' (position 1) must be str, not int"],
  'get_parameter target': [() => lin().getParameter(bad(undefined)), "get_parameter(): argument 'target' (position 1) must be str, not NoneType"],
  'get_buffer target': [() => lin().getBuffer(bad(null)), "get_buffer(): argument 'target' (position 1) must be str, not NoneType"],
  // PyTorch: "'str' object is not callable", after the children ran it.
  'apply fn': [() => lin().apply(bad('x')), "apply(): argument 'fn' (position 1) must be callable, not str"],
  // PyTorch takes any truthy value for these flags.
  'parameters recurse': [() => lin().parameters(bad('x')), "parameters(): argument 'recurse' (position 1) must be bool, not str"],
  'buffers recurse': [() => lin().buffers(bad(1)), "buffers(): argument 'recurse' (position 1) must be bool, not int"],
  'module zero_grad set_to_none': [() => lin().zeroGrad({ setToNone: bad(5) }), "zero_grad(): argument 'set_to_none' must be bool, not int"],
  'optimizer zero_grad set_to_none': [() => sgd().zeroGrad({ setToNone: bad('x') }), "zero_grad(): argument 'set_to_none' must be bool, not str"],
  'load_state_dict strict': [() => lin().loadStateDict(new Map(), bad('x')), "load_state_dict(): argument 'strict' (position 2) must be bool, not str"],
  'register_forward_hook prepend': [() => lin().registerForwardHook(() => undefined, { prepend: bad('x') }), "register_forward_hook(): argument 'prepend' must be bool, not str"],
  'register_buffer persistent': [() => lin().registerBuffer('a', null, { persistent: bad('x') }), "register_buffer(): argument 'persistent' must be bool, not str"],
  // PyTorch: "'int' object has no attribute 'startswith'".
  'load_state_dict key': [() => lin().loadStateDict(bad(new Map([[5, torch.ones(1)]]))), 'load_state_dict(): the keys of state_dict must be str, but found int'],
  // PyTorch stores the value and fails at step ("bad operand type for unary -: 'str'").
  'add_param_group option': [() => sgd().addParamGroup({ params: [param()], lr: bad('x') }), "add_param_group(): argument 'lr' must be float, not str"],
  'add_param_group flag': [() => sgd().addParamGroup({ params: [param()], nesterov: bad(1) }), "add_param_group(): argument 'nesterov' must be bool, not int"],
  // JavaScript options objects.
  'zero_grad options': [() => sgd().zeroGrad(bad('x')), 'zero_grad(): expected an options object for the keyword arguments, but got str'],
  'named_parameters options': [() => lin().namedParameters(bad(3)), 'named_parameters(): expected an options object for the keyword arguments, but got int'],
  'state_dict options': [() => lin().stateDict(bad('x')), 'state_dict(): expected an options object for the keyword arguments, but got str'],
  'register_forward_pre_hook options': [() => lin().registerForwardPreHook(() => undefined, bad('x')), 'register_forward_pre_hook(): expected an options object for the keyword arguments, but got str'],
  'to options dtype': [() => lin().to(bad({ dtype: 'x' })), "to(): argument 'dtype' must be torch.dtype, not str"],
  'to list': [() => lin().to(bad([torch.float64])), 'to() received an invalid combination of arguments - got (list)'],
  // PyTorch: AttributeError 'NoneType' object has no attribute 'dim' (before batch_norm checks its input).
  'BatchNorm2d forward input': [() => new nn.BatchNorm2d(2).call(bad(null)), "batch_norm(): argument 'input' (position 1) must be Tensor, not NoneType"],
  // PyTorch: AttributeError "'str' object has no attribute 'dim'" (or 'flatten').
  'RNN forward input': [() => new nn.RNN(3, 2).call(bad('x')), "RNN.forward(): argument 'input' (position 1) must be Tensor, not str"],
  'GRU forward hx': [() => new nn.GRU(3, 2).call(torch.ones(2, 3), bad('x')), "GRU.forward(): argument 'hx' (position 2) must be Tensor, not str"],
  'LSTM forward hx': [() => new nn.LSTM(3, 2).call(torch.ones(2, 3), bad('x')), "LSTM.forward(): argument 'hx' (position 2) must be a tuple of two Tensors, not str"],
  'LSTMCell forward input': [() => new nn.LSTMCell(3, 2).call(bad(5)), "LSTMCell.forward(): argument 'input' (position 1) must be Tensor, not int"],
  'GRUCell forward hx': [() => new nn.GRUCell(3, 2).call(torch.ones(3), bad(5)), "GRUCell.forward(): argument 'hx' (position 2) must be Tensor, not int"],
  'Flatten forward input': [() => new nn.Flatten().call(bad('x')), "flatten(): argument 'input' (position 1) must be Tensor, not str"],
  'Embedding.from_pretrained embeddings': [() => nn.Embedding.fromPretrained(bad('x')), "from_pretrained(): argument 'embeddings' (position 1) must be Tensor, not str"],
  'Embedding.from_pretrained options': [() => nn.Embedding.fromPretrained(torch.ones(2, 3), bad('x')), 'from_pretrained(): expected an options object for the keyword arguments, but got str'],
  // PyTorch stores the epoch and fails in the schedule's arithmetic ("unsupported operand type(s)").
  'scheduler step epoch': [() => stepLR().step(bad('x')), "step(): argument 'epoch' must be int or float, not str"],
  // PyTorch: "dictionary update sequence element #0 has length 1; 2 is required"; a field of the wrong
  // kind it stores (a str last_epoch fails at the next step).
  // PyTorch stores a scheduler's arguments and fails at a later step ("unsupported operand type(s)").
  'StepLR step_size': [() => new torch.optim.lrScheduler.StepLR(sgd(), bad('x')), "StepLR(): argument 'step_size' (position 2) must be int, not str"],
  'StepLR gamma': [() => new torch.optim.lrScheduler.StepLR(sgd(), 1, { gamma: bad('x') }), "StepLR(): argument 'gamma' must be float, not str"],
  'ExponentialLR gamma': [() => new torch.optim.lrScheduler.ExponentialLR(sgd(), bad('x')), "ExponentialLR(): argument 'gamma' (position 2) must be float, not str"],
  'MultiStepLR milestones': [() => new torch.optim.lrScheduler.MultiStepLR(sgd(), bad([1, 'x'])), "MultiStepLR(): argument 'milestones' must be int, not str"],
  'OneCycleLR max_lr': [() => new torch.optim.lrScheduler.OneCycleLR(sgd(), bad('x'), { totalSteps: 10 }), "OneCycleLR(): argument 'max_lr' must be float, not str"],
  'ReduceLROnPlateau patience': [() => new torch.optim.lrScheduler.ReduceLROnPlateau(sgd(), { patience: bad('x') }), "ReduceLROnPlateau(): argument 'patience' must be int, not str"],
  'LinearLR last_epoch': [() => new torch.optim.lrScheduler.LinearLR(sgd(), { lastEpoch: bad(1.5) }), "LinearLR(): argument 'last_epoch' must be int, not float"],
  'scheduler load_state_dict dict': [() => stepLR().loadStateDict(bad('x')), "load_state_dict(): argument 'state_dict' (position 1) must be a dict, not str"],
  'scheduler load_state_dict list': [() => stepLR().loadStateDict({ baseLrs: ['x'] }), "load_state_dict(): state_dict['baseLrs'] must be a list of floats, but found an element of type str"],
  'scheduler load_state_dict field': [() => stepLR().loadStateDict({ lastEpoch: 'x' }), "load_state_dict(): state_dict['lastEpoch'] must be int, not str"],
  // PyTorch: "'NoneType' object is not iterable".
  'Sequential extend': [() => new nn.Sequential().extend(bad(null)), 'Sequential.extend should be called with an iterable, but got NoneType'],
  // PyTorch: KeyError 'param_groups', "'int' object is not subscriptable", "'int' object has no attribute 'items'".
  'optimizer load_state_dict dict': [() => sgd().loadStateDict(bad('x')), "load_state_dict(): argument 'state_dict' (position 1) must be a dict with 'state' and 'paramGroups', not str"],
  'optimizer load_state_dict paramGroups': [() => sgd().loadStateDict(bad({ state: {} })), 'load_state_dict(): state_dict.paramGroups must be a list of param groups, not NoneType'],
  'optimizer load_state_dict group': [() => sgd().loadStateDict(bad({ state: {}, paramGroups: [5] })), 'load_state_dict(): each param group must be a dict, not int'],
  'optimizer load_state_dict params': [() => sgd().loadStateDict(bad({ state: {}, paramGroups: [{ params: ['a'] }] })), "load_state_dict(): each param group's params must be a list of ints, not list"],
  'optimizer load_state_dict state': [() => sgd().loadStateDict(bad({ state: 5, paramGroups: [{ params: [0] }] })), 'load_state_dict(): state_dict.state must be a dict, not int'],
  'optimizer load_state_dict state value': [
    () => sgd().loadStateDict(bad({ state: { 0: { momentumBuffer: 5 } }, paramGroups: [{ params: [0] }] })),
    'load_state_dict(): the values of a parameter state must be Tensors, not int',
  ],
};

testMessages('nn module and optimizer methods: argument errors', { PyTorch: PYTORCH, tstorch: OURS });
