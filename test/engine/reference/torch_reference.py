"""PyTorch side of the engine parity tests (run with Debian's /usr/bin/python3 and python3-torch 1.13).

Usage: torch_reference.py <case> <dir>. Reads <dir>/input.json and raw batches written by the TypeScript
test, writes <dir>/output.json. Float values travel as JSON numbers: a float32 widened to a double prints
exactly, so comparisons on the TypeScript side can be bit-exact.

Cases:
  sgd-convnet  conv-BN-ReLU-pool-linear net, SGD nesterov (lr 0.1, momentum 0.9, wd 5e-4)
  adam-lstm    LSTM + Linear head, Adam (betas 0.5/0.999, wd 1e-3), gradient clipping at 0.5
  read-safetensors  parse a safetensors file independently of the TypeScript reader
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_f32(path, shape):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape)


def read_i64(path, shape):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.int64).reshape(shape)


def state_lists(module):
    return {k: v.detach().double().flatten().tolist() for k, v in module.state_dict().items()}


class ConvNet(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8))
        self.body = nn.Sequential(
            nn.ReLU(),
            nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
            nn.Conv2d(8, 16, 3, stride=2, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(16, classes)

    def forward(self, x):
        x = self.body(self.stem(x))
        return self.classifier(self.pool(x).flatten(1))


class LstmNet(nn.Module):
    def __init__(self, inp, hidden, classes):
        super().__init__()
        self.lstm = nn.LSTM(inp, hidden, 2)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[-1])


def run_sgd_convnet(spec, d):
    torch.manual_seed(spec["seed"])
    net = ConvNet(spec["classes"])
    init = state_lists(net)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    losses = []
    net.train()
    for i in range(spec["steps"]):
        x = read_f32(os.path.join(d, f"x{i}.f32"), spec["xshape"])
        y = read_i64(os.path.join(d, f"y{i}.i64"), [spec["xshape"][0]])
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        x = read_f32(os.path.join(d, "x0.f32"), spec["xshape"])
        logits = net(x).double().flatten().tolist()
    return {"init": init, "losses": losses, "final": state_lists(net), "evalLogits": logits}


def run_adam_lstm(spec, d):
    torch.manual_seed(spec["seed"])
    net = LstmNet(spec["input"], spec["hidden"], spec["classes"])
    init = state_lists(net)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, betas=(0.5, 0.999), weight_decay=1e-3)
    losses, norms = [], []
    for i in range(spec["steps"]):
        x = read_f32(os.path.join(d, f"x{i}.f32"), spec["xshape"])
        y = read_i64(os.path.join(d, f"y{i}.i64"), [spec["xshape"][1]])
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        norms.append(float(nn.utils.clip_grad_norm_(net.parameters(), 0.5)))
        opt.step()
        losses.append(loss.item())
    return {"init": init, "losses": losses, "gradNorms": norms, "final": state_lists(net)}


def run_read_safetensors(spec, d):
    dtypes = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64, "U8": torch.uint8, "BOOL": torch.bool}
    with open(spec["path"], "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    data = blob[8 + n :]
    out = {"metadata": header.pop("__metadata__", {}), "headerLength": n, "tensors": {}}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[e["dtype"]]).reshape(e["shape"])
        out["tensors"][name] = {"dtype": e["dtype"], "shape": e["shape"], "values": t.double().flatten().tolist()}
    return out


def main():
    case, d = sys.argv[1], sys.argv[2]
    with open(os.path.join(d, "input.json")) as f:
        spec = json.load(f)
    torch.set_num_threads(spec.get("threads", 1))
    cases = {"sgd-convnet": run_sgd_convnet, "adam-lstm": run_adam_lstm, "read-safetensors": run_read_safetensors}
    out = cases[case](spec, d)
    with open(os.path.join(d, "output.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
