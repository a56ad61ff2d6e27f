"""The PyTorch side of `network.json` (MODEL.md): `build(desc)`, the model of a description, and
`describe(model)`, the description of a model. Use them through odegen_torch.description.

The arithmetic is zoo.py's (ARITHMETIC.md's float twin): the same Norm, BasicBlock (option A, or
B: norm(conv1x1) at the block's stride), ODEBlock (ConcatConv2d's time channel first, or none
with `time: false`; Euler/Heun/RK4 over [t0, t1] with h = (t1 - t0)/M, t_k = t0 + k*h), global
average pooling, then the classifier. The input is the already-normalized image, as ZooNet's.
"""
from . import _deps  # noqa: F401  (one clear message when a package is missing)

import json
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import description as spec
from . import zoo
from .description import DescriptionError


class ModuleError(DescriptionError):
    """A module `describe` cannot put into a description: the message names it and its type."""


SUPPORTED = ("Conv2d (3x3, padding 1, no bias, stride 1 or 2: the stem), BatchNorm2d (the stem's norm), ReLU "
             "(after the stem's norm), zoo BasicBlock, zoo ODEBlock, AdaptiveAvgPool2d(1) and Flatten (before "
             "the classifier), Linear (the classifier, last); containers of these (Sequential, ModuleList, ...)")


class _Folder(nn.Module):
    """A module that only holds others: the 'layer1' of a layer named 'layer1.0'."""


class DescribedNet(nn.Module):
    """The model of a description. Its state_dict names are exactly the description's tensor names
    (plus what BatchNorm also keeps: running statistics under batch-stats, num_batches_tracked),
    because each layer is placed at its name's dotted path in nested modules."""

    def __init__(self, desc):
        super().__init__()
        d = spec.parse(desc)
        self.description = d
        self.norm = d["norm"]
        self.name = spec.zoo_network(d)
        solvers = sorted({l["solver"] for l in d["layers"] if l["kind"] == "ode"})
        self.solver = ",".join(solvers) if solvers else "euler"
        # (kind, [(path, module)]) in execution order; a plain list, so the modules stay registered
        # only once (at their paths) and .double()/.to() reach them there
        self.steps = []
        c = d["input"][0]
        for layer in d["layers"]:
            k = layer["kind"]
            if k == "stem":
                conv = zoo.conv3x3(c, layer["out"])
                bn = self._norm(zoo.Norm(layer["out"], self.norm))
                self._place(layer["conv"], conv)
                self._place(layer["bn"], bn)
                self.steps.append((k, [(layer["conv"], conv), (layer["bn"], bn)]))
                c = layer["out"]
            elif k == "res":
                block = self._norm(zoo.BasicBlock(c, layer["out"], layer["stride"], self.norm, layer.get("shortcut")))
                self._place(layer["name"], block)
                self.steps.append((k, [(layer["name"], block)]))
                c = layer["out"]
            elif k == "ode":
                block = self._norm(zoo.ODEBlock(c, layer["steps"], self.norm, layer["solver"], layer["time"],
                                                layer["t0"], layer["t1"]))
                self._place(layer["name"], block)
                self.steps.append((k, [(layer["name"], block)]))
            else:
                fc = nn.Linear(c, d["classes"])
                self._place(layer["name"], fc)
                self.steps.append((k, [(layer["name"], fc)]))

    def _norm(self, module):
        for m in module.modules():
            if isinstance(m, zoo.Norm):
                m.eps = self.description["eps"]
        return module

    def _place(self, path, module):
        # straight into _modules: add_module refuses a name that is also an attribute ('train',
        # 'name', 'description'), and a layer may be named so; state_dict and load_state_dict
        # read _modules only, and the forward pass reaches the modules through self.steps
        node = self
        parts = path.split(".")
        for part in parts[:-1]:
            if part not in node._modules:
                node._modules[part] = _Folder()
            node = node._modules[part]
        node._modules[parts[-1]] = module

    def layer_outputs(self, x):
        """The feature map after each layer of the description, the logits last."""
        outs = []
        for kind, mods in self.steps:
            if kind == "stem":
                x = F.relu(mods[1][1](mods[0][1](x)))
            elif kind == "fc":
                x = mods[0][1](x.mean(dim=(2, 3)))
            else:
                x = mods[0][1](x)
            outs.append(x)
        return outs

    def forward(self, x):
        return self.layer_outputs(x)[-1]

    def prepare(self, images, dtype=None):
        """uint8 images [n, 3 or 1, h, w] (what odegen_torch.data reads) -> this network's normalized
        input [n, C, H, W], in double, then cast: (p/255 - mean)/std as MODEL.md of `resized`'s
        pixels (not rounded: the data is made the network's own once, in double)."""
        c = self.description["input"][0]
        x = self.resized(images)
        mean = torch.tensor(self.description["mean"], dtype=torch.float64).view(1, c, 1, 1)
        std = torch.tensor(self.description["std"], dtype=torch.float64).view(1, c, 1, 1)
        return ((x / 255.0 - mean) / std).to(dtype or torch.float32)

    def resized(self, images):
        """uint8 images [n, 3 or 1, h, w] -> this network's C x H x W pixels, in double (0..255): C = 3
        as they are (a gray image copied to three), C = 1 their gray (the mean of three), H x W by area
        (smaller) or bilinear (larger) resizing; an image already of that shape as it is. Other C are
        refused: no data set of this project has them."""
        import numpy as np
        c, h, w = self.description["input"]
        x = torch.from_numpy(np.asarray(images).astype(np.float64))
        if c == 1 and x.shape[1] != 1:
            x = x.mean(dim=1, keepdim=True)
        elif c == 3 and x.shape[1] == 1:
            x = x.repeat(1, 3, 1, 1)
        elif c != x.shape[1]:
            raise DescriptionError("input: the data has %d channels, the description %d (only 3 or 1 can be made)"
                                   % (x.shape[1], c))
        if tuple(x.shape[2:]) != (h, w):
            shrink = h <= x.shape[2] and w <= x.shape[3]
            x = F.interpolate(x, size=(h, w), mode="area") if shrink else \
                F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
        return x

    def pixels(self, images):
        """`resized` rounded to uint8 [n, C, H, W]: an image set of this network's shape (data.write_images);
        the same pixels as the data's where no resizing was needed (native digits for an 8x8 network)."""
        return self.resized(images).round().clamp(0, 255).to(torch.uint8).numpy()

    def export_state(self):
        """The tensors `odegen` reads, as ZooNet.export_state: without num_batches_tracked, float32."""
        return {k: v.detach().to(torch.float32).contiguous().clone()
                for k, v in self.state_dict().items() if not k.endswith("num_batches_tracked")}


def build(desc):
    return DescribedNet(desc)


# ---------------------------------------------------------------------------------------------
# describe: a model -> its description

def _walk(module, prefix):
    """(path, module) of the supported modules in registration order, through containers. A
    module with tensors of its own that is not one of SUPPORTED is refused by name and type."""
    for name, m in module._modules.items():
        if m is None:
            continue
        path = prefix + name
        if isinstance(m, (zoo.BasicBlock, zoo.ODEBlock, nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.Linear,
                          nn.AdaptiveAvgPool2d, nn.Flatten)):
            yield path, m
        elif isinstance(m, (nn.Sequential, nn.ModuleList, nn.ModuleDict, _Folder)) or (
                m._modules and not m._parameters and not m._buffers):
            # a container (an empty one too: ZooNet's absent stages): its children are taken to run
            # in their registration order, which is the assumption of this walk
            yield from _walk(m, path + ".")
        else:
            raise _refuse(path, m)


def _refuse(path, m, why=""):
    return ModuleError("module '%s' (%s) is not supported%s; supported: %s" % (path, type(m).__name__, why, SUPPORTED))


def _check_conv(path, m, cin, strides):
    problems = []
    if m.kernel_size != (3, 3):
        problems.append("kernel %dx%d" % m.kernel_size)
    if m.padding != (1, 1) or m.padding_mode != "zeros":
        problems.append("padding %s %s" % (m.padding, m.padding_mode))
    if m.bias is not None:
        problems.append("a bias")
    if m.groups != 1 or m.dilation != (1, 1):
        problems.append("groups %d, dilation %s" % (m.groups, m.dilation))
    if m.stride[0] != m.stride[1] or m.stride[0] not in strides:
        problems.append("stride %s" % (m.stride,))
    if cin is not None and m.in_channels != cin:
        problems.append("%d input channels where %d come" % (m.in_channels, cin))
    if problems:
        raise _refuse(path, m, " with " + ", ".join(problems))
    return m.out_channels


class _Norms:
    """The network's one norm mode and eps, gathered from every norm module."""

    def __init__(self):
        self.mode = self.eps = None
        self.first = None

    def add(self, path, m, channels):
        if not isinstance(m, nn.BatchNorm2d):
            raise _refuse(path, m, " as a norm")
        mode = m.mode if isinstance(m, zoo.Norm) else "folded"
        if not m.affine or (mode == "folded" and not m.track_running_stats):
            raise _refuse(path, m, " without weight and bias%s" % (" and running statistics" if mode == "folded" else ""))
        if m.num_features != channels:
            raise _refuse(path, m, " with %d channels where %d come" % (m.num_features, channels))
        if self.mode is None:
            self.mode, self.eps, self.first = mode, m.eps, path
        elif (mode, m.eps) != (self.mode, self.eps):
            raise _refuse(path, m, ": norm %s, eps %g, where '%s' has %s, eps %g (one norm for the network)"
                          % (mode, m.eps, self.first, self.mode, self.eps))


def _block(path, m, c, norms):
    """The description of a zoo BasicBlock or ODEBlock at path, fed c channels."""
    if isinstance(m, zoo.BasicBlock):
        out = _check_conv(path + ".conv1", m.conv1, c, (1, 2))
        stride = m.conv1.stride[0]
        _check_conv(path + ".conv2", m.conv2, out, (1,))
        norms.add(path + ".bn1", m.bn1, out)
        norms.add(path + ".bn2", m.bn2, out)
        layer = {"kind": "res", "name": path, "out": out, "stride": stride}
        option = getattr(m, "option", "A" if (out != c or stride != 1) else None)
        if option == "B":
            sc = m.shortcut
            if not (isinstance(sc, nn.Sequential) and len(sc) == 2 and type(sc[0]) is nn.Conv2d):
                raise _refuse(path + ".shortcut", sc, ": option B is Sequential(Conv2d 1x1, norm)")
            conv = sc[0]
            if (conv.kernel_size != (1, 1) or conv.padding != (0, 0) or conv.bias is not None or conv.groups != 1
                    or conv.stride != (stride, stride) or conv.in_channels != c or conv.out_channels != out):
                raise _refuse(path + ".shortcut.0", conv, ": option B's conv is 1x1 from %d to %d channels, no bias, "
                              "at the block's stride %d" % (c, out, stride))
            norms.add(path + ".shortcut.1", sc[1], out)
        if option is not None:
            layer["shortcut"] = option
        return layer, out
    if isinstance(m.conv1, zoo.ConcatConv2d) and isinstance(m.conv2, zoo.ConcatConv2d):
        time = True
    elif isinstance(m.conv1, zoo.TimelessConv2d) and isinstance(m.conv2, zoo.TimelessConv2d):
        time = False
    else:
        raise _refuse(path + ".conv1", m.conv1, ": an ODEBlock's convolutions both have the time channel or neither")
    for conv in ("conv1", "conv2"):
        _check_conv(path + "." + conv, getattr(m, conv), c + 1 if time else c, (1,))
        if getattr(m, conv).out_channels != c:
            raise _refuse(path + "." + conv, getattr(m, conv), ": an ODEBlock keeps its %d channels" % c)
    norms.add(path + ".bn1", m.bn1, c)
    norms.add(path + ".bn2", m.bn2, c)
    return {"kind": "ode", "name": path, "steps": m.executions, "solver": m.solver, "time": time,
            "t0": float(getattr(m, "t0", 0.0)), "t1": float(getattr(m, "t1", 1.0))}, c


def describe(model, input=None, mean=None, std=None):
    """The description of a model, normalized (description.parse's form).

    A DescribedNet: its layers in execution order; a ZooNet or any other module: its modules in
    registration order (not torch.fx: the zoo's blocks loop in Python, and a tracer would unroll
    them into operations that no longer say 'ODEBlock, M steps'), which must then be a Conv2d stem,
    its BatchNorm2d (ReLU optional: ZooNet applies it functionally), zoo BasicBlocks and ODEBlocks,
    then the classifier. input, mean, std: what the modules cannot say (the image's [C, H, W] and its
    normalization); a DescribedNet and a ZooNet know theirs, any other module needs input."""
    base = {}
    if isinstance(model, DescribedNet):
        base = model.description
        items = [pm for _, mods in model.steps for pm in mods]
    else:
        if isinstance(model, zoo.ZooNet):
            base = spec.zoo_description(model.variant, model.depth, model.norm, model.solver)
        items = list(_walk(model, ""))
    inp = list(input) if input is not None else base.get("input")
    if inp is None:
        raise ModuleError("describe: a %s does not say its image size; give input=[C, H, W]" % type(model).__name__)
    norms = _Norms()
    layers = []
    pos = 0

    def at(i):
        return items[i] if i < len(items) else (None, None)

    path, m = at(0)
    if type(m) is not nn.Conv2d:
        if m is None:
            raise ModuleError("describe: %s has no modules; a stem Conv2d first is needed" % type(model).__name__)
        raise _refuse(path, m, " first: the stem Conv2d comes first")
    c = _check_conv(path, m, inp[0] if isinstance(inp[0], int) else None, (1,))
    bn_path, bn = at(1)
    if bn is None or not isinstance(bn, nn.BatchNorm2d):
        raise ModuleError("describe: the stem '%s' needs a BatchNorm2d next%s" % (
            path, "" if bn is None else ", got module '%s' (%s)" % (bn_path, type(bn).__name__)))
    norms.add(bn_path, bn, c)
    layers.append({"kind": "stem", "out": c, "conv": path, "bn": bn_path})
    pos = 2
    if isinstance(at(pos)[1], nn.ReLU):
        pos += 1
    while isinstance(at(pos)[1], (zoo.BasicBlock, zoo.ODEBlock)):
        layer, c = _block(at(pos)[0], at(pos)[1], c, norms)
        layers.append(layer)
        pos += 1
    path, m = at(pos)
    if isinstance(m, nn.AdaptiveAvgPool2d):
        size = m.output_size if isinstance(m.output_size, tuple) else (m.output_size, m.output_size)
        if tuple(size) != (1, 1):
            raise _refuse(path, m, " with output size %s (global average pooling is 1)" % (m.output_size,))
        pos += 1
        path, m = at(pos)
    if isinstance(m, nn.Flatten):
        pos += 1
        path, m = at(pos)
    if not isinstance(m, nn.Linear):
        if m is None:
            raise ModuleError("describe: %s ends without a Linear classifier" % type(model).__name__)
        raise _refuse(path, m, " here (after the blocks, before the classifier)")
    if m.in_features != c or m.bias is None:
        raise _refuse(path, m, " with %d inputs%s where %d channels come" % (
            m.in_features, "" if m.bias is not None else " and no bias", c))
    layers.append({"kind": "fc", "name": path})
    if pos + 1 < len(items):
        raise _refuse(items[pos + 1][0], items[pos + 1][1], " after the classifier")
    d = {"input": inp, "classes": m.out_features, "norm": norms.mode, "eps": norms.eps, "layers": layers}
    for key, given in (("mean", mean), ("std", std)):
        if given is not None:
            d[key] = list(given)
        elif key in base:
            d[key] = base[key]
    return spec.parse(d)


# ---------------------------------------------------------------------------------------------
# init and the test's facts

def randomize(model, seed):
    """Seeded random weights, running statistics too (agreement.randomize: norms away from their
    defaults, so that both norm modes are exercised)."""
    from .agreement import randomize as fill
    fill(model, torch.Generator().manual_seed(seed))
    return model


def init(desc, seed, out):
    from . import data as datasets
    model = randomize(build(desc), seed)
    meta = {"network": model.name, "norm": model.norm, "format": "pt"}
    datasets.atomic_write(out, datasets.safetensors_bytes(model.export_state(), metadata=meta))
    return model


def _logit_gap(a, b, shape, seed):
    """max |a(x) - b(x)| on one seeded random image, in float64."""
    x = torch.randn((2,) + tuple(shape), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    a.double().eval()
    b.double().eval()
    with torch.no_grad():
        return float((a(x) - b(x)).abs().max())


def selftest(files):
    """What DescriptionTorchTest asserts, as JSON: for the zoo at N = 20, zoo_description against
    describe(zoo.build(...)), the ZooNet's and the DescribedNet's state_dict names and their logits
    on the same weights; for each description file, its normalized form, describe(build(d)), the
    built tensors and shapes, each layer's output shape on a random input, and the logits of a model
    rebuilt from describe(build(d)) with the same weights; a plain Sequential described, rebuilt
    and run; a module describe refuses."""
    torch.set_num_threads(1)
    out = {"zoo": {}, "files": {}}
    cases = [(v, n, s) for v in zoo.VARIANTS for n in zoo.NORMS for s in ("euler",)]
    cases += [("rodenet-1+2", "folded", "heun"), ("rodenet-2", "batch-stats", "rk4")]
    for v, norm, solver in cases:
        zm = zoo.build(v, 20, norm, solver)
        randomize(zm, 7)
        d = spec.zoo_description(v, 20, norm, solver)
        built = build(d)
        built.load_state_dict(zm.state_dict())
        out["zoo"]["%s-20-%s-%s" % (v, norm, solver)] = {
            "description": d, "described": describe(zm), "network": built.name, "zoo_name": zm.name,
            "zoo_state": sorted(zm.export_state()), "built_state": sorted(built.export_state()),
            "tensors": [[n, s] for n, s in spec.tensors(d, running=True)], "logit_gap": _logit_gap(zm, built, d["input"], 3)}
    for f in files:
        try:
            d = spec.load(f)
        except DescriptionError as e:
            out["files"][f] = {"error": str(e)}
            continue
        model = randomize(build(d), 11)
        x = torch.randn([1] + d["input"], generator=torch.Generator().manual_seed(5))
        with torch.no_grad():
            shapes = [list(y.shape[1:]) for y in model.eval().layer_outputs(x)]
        again = build(describe(model))
        again.load_state_dict(model.state_dict())
        out["files"][f] = {"normalized": d, "described": describe(model), "canonical": spec.canonical(d),
                           "built": [[k, list(v.shape)] for k, v in model.export_state().items()],
                           "tensors": [[n, s] for n, s in spec.tensors(d, running=True)], "shapes": shapes,
                           "network": model.name, "logit_gap": _logit_gap(model, again, d["input"], 9)}
    # a plain nn.Module: nn.Sequential of the supported modules, which runs as the description says
    seq = nn.Sequential(OrderedDict([
        ("stem", nn.Conv2d(3, 8, 3, padding=1, bias=False)), ("norm", nn.BatchNorm2d(8)), ("act", nn.ReLU()),
        ("down", zoo.BasicBlock(8, 16, 2, "folded", "B")), ("ode", zoo.ODEBlock(16, 3, "folded", "heun")),
        ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("head", nn.Linear(16, 5))]))
    randomize(seq, 13)
    d = describe(seq, input=[3, 9, 9])
    again = build(d)
    again.load_state_dict(seq.state_dict())
    out["sequential"] = {"described": d, "logit_gap": _logit_gap(seq, again, d["input"], 17)}
    drop = nn.Sequential(OrderedDict([
        ("conv", nn.Conv2d(1, 4, 3, padding=1, bias=False)), ("bn", nn.BatchNorm2d(4)), ("drop", nn.Dropout(0.1)),
        ("fc", nn.Linear(4, 2))]))
    refusals = {}
    for what, model, kw in (("dropout", drop, {"input": [1, 8, 8]}),
                            ("no input", nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False)), {}),
                            ("5x5", nn.Sequential(OrderedDict([("c5", nn.Conv2d(1, 4, 5, padding=2, bias=False))])),
                             {"input": [1, 8, 8]})):
        try:
            describe(model, **kw)
            refusals[what] = None
        except DescriptionError as e:
            refusals[what] = str(e)
    out["refusals"] = refusals
    return json.loads(json.dumps(out))
