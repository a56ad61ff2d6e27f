"""The network zoo in PyTorch: the seven variants of PAPER.md Table 4 at N = 20, 32, 44, 56.

Module names give exactly the `state_dict` names of the user guide's table (doc/user-guide.md) (conv1, bn1,
<stage>.<i>.conv1/bn1/conv2/bn2, fc), so `safetensors.torch.save_file(model.state_dict(), f)`
writes a file that `odegen` reads as it is. The layer tables repeat org.odegen.net.Variant and
Stage; the torch/Java agreement test (TorchAgreementTest, in `mvn test`) holds them equal: Java
refuses a missing or mis-shaped tensor, and the logits must match for every variant.

The arithmetic is ARITHMETIC.md's float twin:
- ODEBlock: f(z, t) = norm2(conv2([t, relu(norm1(conv1([t, z])))])), ConcatConv2d with the time
  channel first (a plane of value t inside the image, 0 in the zero padding);
- solvers over [0, 1] with M = executions steps, h = 1/M, t_k = k*h: Euler (the hardware's),
  Heun and RK4 with ARITHMETIC.md's float formulas;
- norm `batch-stats`: statistics of each image's own feature map, per channel over its pixels,
  biased variance, eps = 1e-5 (what the hardware computes; in training too);
  norm `folded`: BatchNorm (batch statistics in training, running statistics in eval), which
  `odegen --norm folded` folds into scale and shift;
- the stride-2 ResNet blocks use the parameter-free "option A" shortcut.
"""
from . import _deps  # noqa: F401  (one clear message when a package is missing)

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-5
DEPTHS = (20, 32, 44, 56)
NORMS = ("batch-stats", "folded")
SOLVERS = ("euler", "heun", "rk4")
CLASSES = 100

# id -> the paper's name, in Table 4's order (org.odegen.net.Variant)
VARIANTS = {
    "resnet": "ResNet",
    "odenet": "ODENet",
    "rodenet-1": "rODENet-1",
    "rodenet-2": "rODENet-2",
    "rodenet-1+2": "rODENet-1+2",
    "rodenet-3": "rODENet-3",
    "hybrid-3": "Hybrid-3",
}

# (id, in channels, out channels, output size, stride): org.odegen.net.Stage
STAGES = (
    ("conv1", 3, 16, 32, 1),
    ("layer1", 16, 16, 32, 1),
    ("layer2_1", 16, 32, 16, 2),
    ("layer2_2", 32, 32, 16, 1),
    ("layer3_1", 32, 64, 8, 2),
    ("layer3_2", 64, 64, 8, 1),
    ("fc", 64, CLASSES, 1, 1),
)


class ChoiceError(ValueError):
    """A bad choice: the message names it and the valid ones."""


def parse_variant(text):
    t = text.strip().lower()
    for vid, name in VARIANTS.items():
        if t == vid or t == name.lower():
            return vid
    raise ChoiceError("variant '%s' is unknown; valid: %s" % (text, ", ".join(VARIANTS)))


def check_depth(n):
    if n not in DEPTHS:
        raise ChoiceError("depth N = %s is not one of the paper's; valid: %s" % (n, ", ".join(map(str, DEPTHS))))
    return n


def check_choice(what, value, valid):
    if value not in valid:
        raise ChoiceError("%s '%s' is unknown; valid: %s" % (what, value, ", ".join(valid)))
    return value


def network_name(variant, depth):
    """"rODENet-3-20", as NetworkSpec.name()."""
    return "%s-%d" % (VARIANTS[parse_variant(variant)], depth)


def layer_table(variant, depth):
    """Table 4: for each stage, (kind, instances, executions per instance); kind is
    'stem', 'resnet', 'ode' or 'classifier' (NetworkSpec.of and Variant.row)."""
    v = parse_variant(variant)
    n = check_depth(depth)
    stack1 = (n - 2) // 6
    stack23 = (n - 8) // 6

    def resnet(k):
        return ("resnet", k, 1)

    def ode(e):
        return ("ode", 1, e)

    absent = ("resnet", 0, 0)

    def row(s):
        if v == "resnet":
            return resnet(stack1 if s == "layer1" else stack23)
        if v == "odenet":
            return ode(stack1 if s == "layer1" else stack23)
        if v == "rodenet-1":
            return ode((n - 6) // 2) if s == "layer1" else absent
        if v == "rodenet-2":
            return resnet(1) if s == "layer1" else ode((n - 8) // 2) if s == "layer2_2" else absent
        if v == "rodenet-1+2":
            return ode((n - 4) // 4) if s == "layer1" else ode((n - 8) // 4) if s == "layer2_2" else absent
        if v == "rodenet-3":
            return resnet(1) if s == "layer1" else absent if s == "layer2_2" else ode((n - 8) // 2)
        if v == "hybrid-3":
            return resnet(stack1) if s == "layer1" else resnet(stack23) if s == "layer2_2" else ode(stack23)
        raise AssertionError(v)

    table = []
    for sid, _, _, _, _ in STAGES:
        if sid == "conv1":
            table.append((sid, "stem", 1, 1))
        elif sid in ("layer2_1", "layer3_1"):
            table.append((sid, "resnet", 1, 1))
        elif sid == "fc":
            table.append((sid, "classifier", 1, 1))
        else:
            table.append((sid,) + row(sid))
    return table


class Norm(nn.BatchNorm2d):
    """A norm layer with BatchNorm's tensors (weight, bias, running_mean, running_var) in either
    mode. batch-stats: each image's own per-channel statistics (biased variance), in training and
    in eval, as the hardware computes them; the running statistics are not used. folded: BatchNorm."""

    def __init__(self, channels, mode):
        super().__init__(channels, eps=EPS)
        self.mode = check_choice("norm", mode, NORMS)

    def forward(self, x):
        if self.mode == "batch-stats":
            return F.instance_norm(x, weight=self.weight, bias=self.bias, eps=self.eps)
        return super().forward(x)


class ConcatConv2d(nn.Conv2d):
    """3x3 convolution, no bias, over cat([t, x], 1): the time channel first, a plane of value t."""

    def __init__(self, cin, cout):
        super().__init__(cin + 1, cout, 3, stride=1, padding=1, bias=False)

    def forward(self, t, x):
        plane = torch.full_like(x[:, :1], t)
        return super().forward(torch.cat([plane, x], 1))


class TimelessConv2d(nn.Conv2d):
    """3x3 convolution, no bias, without the time channel (an ODE layer of MODEL.md with
    `time: false`): Cin = C. It takes t like ConcatConv2d so that ODEBlock.f treats both alike."""

    def __init__(self, cin, cout):
        super().__init__(cin, cout, 3, stride=1, padding=1, bias=False)

    def forward(self, t, x):
        return super().forward(x)


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


def shortcut_a(x, cout, stride):
    """Option A: subsample at even positions, pad the new channels with zeros, half before and
    half after (Network.shortcutSource)."""
    cin = x.shape[1]
    if stride == 1 and cin == cout:
        return x
    if stride == 2:
        x = x[:, :, ::2, ::2]
    before = (cout - cin) // 2
    return F.pad(x, (0, 0, 0, 0, before, cout - cin - before))


class BasicBlock(nn.Module):
    """relu(norm2(conv2(relu(norm1(conv1(x))))) + shortcut(x)).

    shortcut: None (identity: same channels, stride 1), "A" (the zoo's, parameter-free) or "B"
    (norm(conv1x1(x)) at the block's stride, registered after bn2 as `shortcut.0` and `shortcut.1`,
    so that the state_dict lists the tensors in MODEL.md's blob order)."""

    def __init__(self, cin, cout, stride, norm, shortcut="A"):
        super().__init__()
        if shortcut not in (None, "A", "B"):
            raise ChoiceError("shortcut '%s' is unknown; valid: A, B" % shortcut)
        if shortcut is None and (cin != cout or stride != 1):
            raise ChoiceError("a block from %d to %d channels at stride %d needs a shortcut (A or B)"
                              % (cin, cout, stride))
        self.stride = stride
        self.cout = cout
        self.option = shortcut
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn1 = Norm(cout, norm)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = Norm(cout, norm)
        if shortcut == "B":
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), Norm(cout, norm))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = self.shortcut(x) if self.option == "B" else shortcut_a(x, self.cout, self.stride)
        return F.relu(y + s)


class ODEBlock(nn.Module):
    """An ODEBlock executed M = `executions` times: M solver steps over [t0, t1] (the zoo's: [0, 1]),
    h = (t1 - t0)/M and t_k = t0 + k*h (for [0, 1] exactly the zoo's 1/M and k/M). time: the
    time channel in both convolutions (ConcatConv2d), or none (TimelessConv2d, Cin = C)."""

    def __init__(self, channels, executions, norm, solver, time=True, t0=0.0, t1=1.0):
        super().__init__()
        self.executions = executions
        self.solver = check_choice("solver", solver, SOLVERS)
        self.time = time
        self.t0 = float(t0)
        self.t1 = float(t1)
        conv = ConcatConv2d if time else TimelessConv2d
        self.conv1 = conv(channels, channels)
        self.bn1 = Norm(channels, norm)
        self.conv2 = conv(channels, channels)
        self.bn2 = Norm(channels, norm)

    def f(self, z, t):
        y = F.relu(self.bn1(self.conv1(t, z)))
        return self.bn2(self.conv2(t, y))

    def forward(self, z):
        m = self.executions
        h = (self.t1 - self.t0) / m
        for k in range(m):
            t = self.t0 + k * h  # exact, not accumulated
            if self.solver == "euler":
                z = z + h * self.f(z, t)
            elif self.solver == "heun":
                k1 = self.f(z, t)
                k2 = self.f(z + h * k1, t + h)
                z = z + h * ((k1 + k2) / 2)
            else:
                h2 = h / 2
                k1 = self.f(z, t)
                k2 = self.f(z + h2 * k1, t + h2)
                k3 = self.f(z + h2 * k2, t + h2)
                k4 = self.f(z + h * k3, t + h)
                z = z + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        return z


class ZooNet(nn.Module):
    """One network of the zoo: variant at depth N, with its norm mode and ODE solver."""

    def __init__(self, variant, depth, norm="batch-stats", solver="euler"):
        super().__init__()
        self.variant = parse_variant(variant)
        self.depth = check_depth(depth)
        self.norm = check_choice("norm", norm, NORMS)
        self.solver = check_choice("solver", solver, SOLVERS)
        self.name = network_name(self.variant, depth)
        shapes = {s[0]: s[1:] for s in STAGES}
        for sid, kind, instances, executions in layer_table(self.variant, depth):
            cin, cout, _, stride = shapes[sid]
            if kind == "stem":
                self.conv1 = conv3x3(cin, cout)
                self.bn1 = Norm(cout, norm)
            elif kind == "resnet":
                # option A where the first block changes channels and size, identity elsewhere
                setattr(self, sid, nn.ModuleList(BasicBlock(cin if i == 0 else cout, cout, stride if i == 0 else 1,
                                                            norm, "A" if i == 0 and (cin != cout or stride != 1)
                                                            else None) for i in range(instances)))
            elif kind == "ode":
                setattr(self, sid, nn.ModuleList(ODEBlock(cout, executions, norm, solver) for _ in range(instances)))
            else:
                self.fc = nn.Linear(cin, cout)
        self.stages = [s[0] for s in STAGES if s[0] not in ("conv1", "fc")]

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        for sid in self.stages:
            for block in getattr(self, sid):
                x = block(x)
        return self.fc(x.mean(dim=(2, 3)))

    def export_state(self):
        """The tensors `odegen` reads: the state_dict without num_batches_tracked, float32, contiguous."""
        return {k: v.detach().to(torch.float32).contiguous().clone()
                for k, v in self.state_dict().items() if not k.endswith("num_batches_tracked")}


def build(variant, depth, norm="batch-stats", solver="euler"):
    return ZooNet(variant, depth, norm, solver)
