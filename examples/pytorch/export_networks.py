#!/usr/bin/env python3
"""Trains and exports the small PyTorch networks Certus's tests verify (see README.md here).

Four MNIST classifiers whose ONNX exports use the operations beyond a chain of Conv/Gemm/ReLU:
BatchNorm + MaxPool2d, AvgPool2d (exported as a zero Pad and an AveragePool), a residual block
(Add of two computed tensors) and a Concat of two branches. Each is trained briefly on MNIST test
images 1000-9999 (only the test set ships with Certus; images 0-999 stay held out and are what the
tests verify), with a fixed seed, then exported with torch.onnx (opset 13, input "input"
[1,1,28,28] with pixels in [0,1], output "logits" [1,10]).

Run from anywhere with Debian's python3-torch (1.13):  /usr/bin/python3 examples/pytorch/export_networks.py
"""
import gzip
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "..", "nn-formats", "src", "main", "resources", "org", "certus", "data", "mnist")


def read_idx(name):
    with gzip.open(os.path.join(MNIST, name), "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = [struct.unpack(">I", data[4 + 4 * i:8 + 4 * i])[0] for i in range(magic & 0xff)]
    offset = 4 + 4 * len(dims)
    return torch.frombuffer(bytearray(data[offset:]), dtype=torch.uint8).reshape(dims)


class CnnBatchNormMaxPool(nn.Module):
    """The first batch norm folds into its convolution at export; the second, after a ReLU, stays a node."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 4, stride=2, padding=1)    # 4x14x14
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)               # 4x14x14
        self.bn2 = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)         # 4x7x7
        self.fc = nn.Linear(4 * 7 * 7, 10)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.pool(self.bn2(F.relu(self.conv2(h))))
        return self.fc(torch.flatten(h, 1))


class CnnAvgPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 4, stride=2, padding=1)     # 4x14x14
        self.pool = nn.AvgPool2d(3, stride=2, padding=1)         # 4x7x7, count_include_pad=True
        self.fc1 = nn.Linear(4 * 7 * 7, 20)
        self.fc2 = nn.Linear(20, 10)

    def forward(self, x):
        h = self.pool(F.relu(self.conv(x)))
        return self.fc2(F.relu(self.fc1(torch.flatten(h, 1))))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 4, 4, stride=4)                 # 4x7x7
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 7 * 7, 10)

    def forward(self, x):
        h = F.relu(self.stem(x))
        r = self.conv2(F.relu(self.conv1(h)))
        return self.fc(torch.flatten(F.relu(h + r), 1))


class ConcatBranches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 2, 4, stride=4)                    # 2x7x7
        self.b1 = nn.Conv2d(1, 2, 2, stride=2)                   # 2x14x14
        self.b2 = nn.Conv2d(2, 2, 2, stride=2)                   # 2x7x7
        self.fc = nn.Linear(4 * 7 * 7, 10)

    def forward(self, x):
        a = F.relu(self.a(x))
        b = F.relu(self.b2(F.relu(self.b1(x))))
        return self.fc(torch.flatten(torch.cat([a, b], dim=1), 1))


NETWORKS = {
    "cnn_batchnorm_maxpool": CnnBatchNormMaxPool,
    "cnn_avgpool": CnnAvgPool,
    "residual_block": Residual,
    "concat_branches": ConcatBranches,
}


def main():
    images = read_idx("t10k-images-idx3-ubyte.gz").float().div(255).unsqueeze(1)
    labels = read_idx("t10k-labels-idx1-ubyte.gz").long()
    train_x, train_y = images[1000:], labels[1000:]
    test_x, test_y = images[:1000], labels[:1000]
    for name, cls in NETWORKS.items():
        torch.manual_seed(0)
        net = cls()
        opt = torch.optim.Adam(net.parameters(), lr=3e-3)
        for epoch in range(4):
            perm = torch.randperm(len(train_x))
            for i in range(0, len(perm), 100):
                idx = perm[i:i + 100]
                opt.zero_grad()
                loss = F.cross_entropy(net(train_x[idx]), train_y[idx])
                loss.backward()
                opt.step()
        net.eval()
        with torch.no_grad():
            acc = (net(test_x).argmax(1) == test_y).float().mean().item()
        path = os.path.join(HERE, name + ".onnx")
        torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, input_names=["input"], output_names=["logits"],
                          opset_version=13, do_constant_folding=True)
        print("%-24s accuracy on test images 0-999: %.3f, %d bytes" % (name, acc, os.path.getsize(path)))


if __name__ == "__main__":
    main()
