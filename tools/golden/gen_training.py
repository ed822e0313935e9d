"""Fixture for test/examples/training-parity.test.ts (training_parity.json): the first steps of the
Fashion-MNIST example's training run, recorded in PyTorch.

The network is the blitz's CNN adapted to 1x28x28 (examples/lib/net.ts is its tstorch twin), built after
torch.manual_seed(SEED); the data is the committed 64-image slice (test/data/fashion-mnist), each image
through ToTensor and Normalize((0.5,), (0.5,)); a DataLoader with shuffle=True and no generator (so the
shuffle draws from the default generator, between the initialisation's draws and nothing else); the
loss is CrossEntropyLoss; the optimizer SGD with momentum. Recorded: the initial and final parameters,
each step's batch labels (the shuffle order) and loss.

The step size and batch size keep training out of its chaotic regime, where rounding differences grow
until runs part: for these 200 steps PyTorch's own float32 and float64 runs differ by under 4e-6 in loss.
At the example's defaults on the full data (lr 0.05, batch 64) they part after about 80 steps, so no
implementation could match PyTorch's float32 run there to 1e-4 (tstorch's run parts at the same step).

Parameters are written as float32's shortest decimal form (the test reads them into float32 tensors,
which gives back the same values) to keep the file small.

Run: /usr/bin/python3 tools/golden/gen_training.py
"""
import os

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

from common import DTYPE_NAMES, write_fixture
from models import BlitzNet, FashionMNIST

SLICE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'data', 'fashion-mnist')
SEED = 0
BATCH_SIZE = 4
LR = 0.01
MOMENTUM = 0.9
STEPS = 200


def encode_float32(t):
    """A float32 tensor with each value in float32's shortest round-trip decimal form."""
    assert t.dtype == torch.float32
    return {'dtype': DTYPE_NAMES[t.dtype], 'shape': list(t.shape),
            'data': [float(repr(v)) for v in t.detach().reshape(-1).numpy()]}


def state(net):
    return [{'name': name, 'tensor': encode_float32(p)} for name, p in net.state_dict().items()]


def main():
    torch.manual_seed(SEED)
    net = BlitzNet()
    initial = state(net)
    loader = DataLoader(FashionMNIST(SLICE_DIR), batch_size=BATCH_SIZE, shuffle=True)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    steps = []
    while len(steps) < STEPS:
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(net(images), labels)
            loss.backward()
            optimizer.step()
            steps.append({'labels': labels.tolist(), 'loss': loss.item()})
            if len(steps) == STEPS:
                break
    write_fixture('training_parity', [{
        'seed': SEED, 'batchSize': BATCH_SIZE, 'lr': LR, 'momentum': MOMENTUM,
        'initial': initial, 'steps': steps, 'final': state(net),
    }])


if __name__ == '__main__':
    main()
