"""Reference TinyNetwork in PyTorch, written from the spec (§2.1–2.3; the size space's DynamicShapeTinyNet from
nats-sss §2) as test tooling for parity checks.

Module names, construction order and forward semantics follow the spec, so state-dict keys and the RNG draws of the
default initialisation match the benchmark's networks.
"""
import torch
import torch.nn as nn

OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']


def parse_arch(s):
    nodes = []
    for node in s.split('+'):
        nodes.append([(tok.split('~')[0], int(tok.split('~')[1])) for tok in node.split('|') if tok])
    return nodes


class ReLUConvBN(nn.Module):
    def __init__(self, C_in, C_out, k, stride, pad, dil):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(C_in, C_out, k, stride, pad, dil, bias=False), nn.BatchNorm2d(C_out))

    def forward(self, x):
        return self.op(x)


class Pooling(nn.Module):
    def __init__(self, C_in, C_out, stride):
        super().__init__()
        self.preprocess = None if C_in == C_out else ReLUConvBN(C_in, C_out, 1, 1, 0, 1)
        self.op = nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)

    def forward(self, x):
        return self.op(self.preprocess(x) if self.preprocess is not None else x)


class Identity(nn.Module):
    def forward(self, x):
        return x


class Zero(nn.Module):
    def __init__(self, C_in, C_out, stride):
        super().__init__()
        self.C_in, self.C_out, self.stride = C_in, C_out, stride

    def forward(self, x):
        if self.C_in == self.C_out:
            return x.mul(0.) if self.stride == 1 else x[:, :, ::self.stride, ::self.stride].mul(0.)
        shape = list(x.shape)
        shape[1] = self.C_out
        return x.new_zeros(shape)


class FactorizedReduce(nn.Module):
    """The skip edge of a cell that changes width (size space, stride 1 only): 1x1 conv then BN, no ReLU."""

    def __init__(self, C_in, C_out, stride):
        super().__init__()
        assert stride == 1
        self.conv = nn.Conv2d(C_in, C_out, 1, stride=1, padding=0, bias=False)
        self.bn = nn.BatchNorm2d(C_out)

    def forward(self, x):
        return self.bn(self.conv(x))


def make_op(name, C_in, C_out, stride):
    if name == 'none':
        return Zero(C_in, C_out, stride)
    if name == 'skip_connect':
        return Identity() if stride == 1 and C_in == C_out else FactorizedReduce(C_in, C_out, stride)
    if name == 'nor_conv_1x1':
        return ReLUConvBN(C_in, C_out, 1, stride, 0, 1)
    if name == 'nor_conv_3x3':
        return ReLUConvBN(C_in, C_out, 3, stride, 1, 1)
    if name == 'avg_pool_3x3':
        return Pooling(C_in, C_out, stride)
    raise ValueError(name)


class ResNetBasicblock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv_a = ReLUConvBN(inplanes, planes, 3, stride, 1, 1)
        self.conv_b = ReLUConvBN(planes, planes, 3, 1, 1, 1)
        if stride == 2:
            self.downsample = nn.Sequential(nn.AvgPool2d(kernel_size=2, stride=2, padding=0), nn.Conv2d(inplanes, planes, 1, 1, 0, bias=False))
        elif inplanes != planes:
            self.downsample = ReLUConvBN(inplanes, planes, 1, 1, 0, 1)
        else:
            self.downsample = None
        self.out_dim = planes

    def forward(self, x):
        b = self.conv_b(self.conv_a(x))
        return (self.downsample(x) if self.downsample is not None else x) + b


class InferCell(nn.Module):
    def __init__(self, arch, C_in, C_out, stride):
        super().__init__()
        self.layers = nn.ModuleList()
        self.node_IX, self.node_IN = [], []
        for node in parse_arch(arch):
            ix, inn = [], []
            for op, j in node:
                self.layers.append(make_op(op, C_in, C_out, stride) if j == 0 else make_op(op, C_out, C_out, 1))
                ix.append(len(self.layers) - 1)
                inn.append(j)
            self.node_IX.append(ix)
            self.node_IN.append(inn)
        self.out_dim = C_out

    def forward(self, x):
        nodes = [x]
        for ix, inn in zip(self.node_IX, self.node_IN):
            nodes.append(sum(self.layers[l](nodes[i]) for l, i in zip(ix, inn)))
        return nodes[-1]


# the size search space's fixed cell (NATS-Bench sss)
SSS_CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'


class TinyNetwork(nn.Module):
    """tss: TinyNetwork(C, N, arch, K). sss: TinyNetwork(widths[0], len(widths)//3, arch, K, widths=widths), the same
    macro with one width per layer (DynamicShapeTinyNet)."""

    def __init__(self, C, N, arch, num_classes, input_channels=3, widths=None):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(input_channels, C, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(C))
        chans = [C] * N + [C * 2] + [C * 2] * N + [C * 4] + [C * 4] * N if widths is None else list(widths)
        assert widths is None or (C == widths[0] and len(widths) == 3 * N + 2)
        reds = [False] * N + [True] + [False] * N + [True] + [False] * N
        C_prev = C
        self.cells = nn.ModuleList()
        for c, r in zip(chans, reds):
            cell = ResNetBasicblock(C_prev, c, 2) if r else InferCell(arch, C_prev, c, 1)
            self.cells.append(cell)
            C_prev = cell.out_dim
        self.lastact = nn.Sequential(nn.BatchNorm2d(C_prev), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(C_prev, num_classes)

    def forward(self, x):
        f = self.stem(x)
        for cell in self.cells:
            f = cell(f)
        out = self.global_pooling(self.lastact(f))
        out = out.view(out.size(0), -1)
        return out, self.classifier(out)
