"""The Fashion-MNIST example's network and data in PyTorch, shared by the fixture generators and the
benchmark's PyTorch twin (bench/pytorch_twin.py)."""
import gzip
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset


class BlitzNet(nn.Module):
    """The 60-minute blitz's CNN, for 3x32x32 CIFAR images as the blitz builds it, or for 1x28x28 images
    (the defaults: 28 -> conv 24 -> pool 12 -> conv 8 -> pool 4), as examples/lib/net.ts builds it in tstorch."""

    def __init__(self, in_channels=1, image_size=28):
        super().__init__()
        features = ((image_size - 4) // 2 - 4) // 2
        self.conv1 = nn.Conv2d(in_channels, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * features * features, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def read_idx(path):
    """An IDX file (gzipped), as a uint8 tensor of the shape its header gives."""
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    shape = struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim])
    return torch.from_numpy(np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape).copy())


class FashionMNIST(Dataset):
    """torchvision's FashionMNIST (training split) with ToTensor() and Normalize((0.5,), (0.5,)), without
    torchvision, read from a folder of gzipped IDX files."""

    def __init__(self, root):
        self.images = read_idx(os.path.join(root, 'train-images-idx3-ubyte.gz'))
        self.labels = read_idx(os.path.join(root, 'train-labels-idx1-ubyte.gz'))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        image = self.images[i].to(torch.float32).div(255).unsqueeze(0)  # ToTensor
        image = image.sub(0.5).div(0.5)  # Normalize: (x - mean) / std
        return image, int(self.labels[i])
