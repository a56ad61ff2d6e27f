"""The host side's arithmetic of ODEGen's PYNQ drivers, in numpy: the one place the board's Python packs
the parameter blob, quantizes the norms' parameters and normalizes and quantizes images (odegen_network.py
for the network engine; run_network.py for the network on the ARM with the block offloaded).
NetworkBoardTest holds it bit for bit equal to the Java golden model (ParameterBlob's bytes,
Network.quantize's image words), PynqDriverTest through run_network.py's logits, so that the CIFAR
normalization and the parameter order are written twice only under a test.

Plain numpy, no PYNQ: it runs on the board's ARM and anywhere else.
"""
import json
import struct

import numpy as np

# CIFAR-100's per-channel mean and standard deviation (Cifar100.MEAN, Cifar100.STD)
MEAN = (0.5071, 0.4865, 0.4409)
STD = (0.2673, 0.2564, 0.2762)
# the norm's epsilon (Network.EPS): folded scale = gamma / sqrt(running_var + EPS)
EPS = 1e-5


def quantize(x, width, frac):
    """sat(floor(x * 2^F + 0.5)) elementwise, as QFormat.quantize (float64, the same IEEE steps)."""
    x = np.asarray(x, dtype=np.float64)
    if np.isnan(x).any():
        raise ValueError("cannot quantize NaN")
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    return np.clip(np.floor(x * float(1 << frac) + 0.5), lo, hi).astype(np.int64)


def read_safetensors(path):
    """{name: float64 array} of a safetensors file's float tensors (F32, F64, F16, BF16, as the Java reader takes);
    the others (I64 counters such as num_batches_tracked) are left out."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s: not a safetensors file (%d bytes)" % (path, len(data)))
    n = struct.unpack("<Q", data[:8])[0]
    if 8 + n > len(data):
        raise ValueError("%s: its header of %d bytes does not fit the file of %d bytes (cut short?)"
                         % (path, n, len(data)))
    try:
        header = json.loads(data[8:8 + n])
    except ValueError:
        raise ValueError("%s: not a safetensors file (no JSON header)" % path)
    if not isinstance(header, dict):
        raise ValueError("%s: not a safetensors file (its header is not a JSON object)" % path)
    sizes = {"BF16": 2, "F16": 2, "F32": 4, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (begin, end) = e["dtype"], [int(d) for d in e["shape"]], e["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise ValueError("%s, tensor '%s': needs dtype, shape and data_offsets [begin, end]" % (path, name))
        want = sizes.get(dtype, 0) * int(np.prod(shape, dtype=np.int64))
        if dtype in sizes and end - begin != want:
            raise ValueError("%s, tensor '%s': data_offsets [%d, %d] hold %d bytes, its %s %s needs %d"
                             % (path, name, begin, end, end - begin, dtype, shape, want))
        if not 0 <= begin <= end or 8 + n + end > len(data):
            raise ValueError("%s, tensor '%s': its data ends at byte %d of the data, which has %d (the file is cut short)"
                             % (path, name, end, len(data) - 8 - n))
        raw = data[8 + n + begin:8 + n + end]
        if dtype == "BF16":  # the high half of a float32
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dtype in ("F32", "F64", "F16"):
            a = np.frombuffer(raw, dtype={"F32": "<f4", "F64": "<f8", "F16": "<f2"}[dtype])
        else:
            continue
        out[name] = a.astype(np.float64).reshape(shape)
    return out


def _tensor(tensors, name):
    if name not in tensors:
        raise ValueError("the weights have no tensor '%s' (a different network?)" % name)
    return tensors[name]


def norm_params(tensors, prefix, batch_stats, width, frac, eps=EPS):
    """Norm A, B: gamma, beta (batch-stats) or scale, shift folded from the running statistics."""
    g, b = _tensor(tensors, prefix + ".weight"), _tensor(tensors, prefix + ".bias")
    if batch_stats:
        return [quantize(g, width, frac), quantize(b, width, frac)]
    scale = g / np.sqrt(_tensor(tensors, prefix + ".running_var") + eps)
    shift = b - _tensor(tensors, prefix + ".running_mean") * scale
    return [quantize(scale, width, frac), quantize(shift, width, frac)]


def blob(tensors, rows, batch_stats, width, frac):
    """The parameter blob of NETWORK.md (int64 words, each a W-bit raw value): rows are the network's
    (stage, kind, instances, executions) in order, kind one of stem, resnet, ode, fc."""
    parts = []
    for stage, kind, instances, _ in rows:
        if kind == "stem":
            parts += [quantize(_tensor(tensors, "conv1.weight"), width, frac)] + norm_params(tensors, "bn1", batch_stats, width, frac)
        elif kind in ("resnet", "ode"):
            for i in range(instances):
                p = "%s.%d." % (stage, i)
                for k in ("1", "2"):
                    parts.append(quantize(_tensor(tensors, p + "conv" + k + ".weight"), width, frac))
                    parts += norm_params(tensors, p + "bn" + k, batch_stats, width, frac)
        elif kind == "fc":
            parts += [quantize(_tensor(tensors, "fc.weight"), width, frac), quantize(_tensor(tensors, "fc.bias"), width, frac)]
        else:
            raise ValueError("unknown row kind '%s'; valid: stem, resnet, ode, fc" % kind)
    return np.concatenate([p.ravel() for p in parts])


def description_tensors(desc):
    """(name, shape, kind) of every parameter tensor of a network.json (MODEL.md) in the blob's order, kind 'conv',
    'norm' (its prefix: A and B come from <prefix>.weight/.bias, and the running statistics when folded) or 'fc';
    each layer's shapes from the channels flowing through it (NetworkDescription.tensors)."""
    out = []
    c = desc["input"][0]

    def block(name, cin, cout, time):
        out.append((name + ".conv1.weight", (cout, cin + time, 3, 3), "conv"))
        out.append((name + ".bn1", (cout,), "norm"))
        out.append((name + ".conv2.weight", (cout, cout + time, 3, 3), "conv"))
        out.append((name + ".bn2", (cout,), "norm"))

    for layer in desc["layers"]:
        kind = layer["kind"]
        if kind == "stem":
            out.append((layer["conv"] + ".weight", (layer["out"], c, 3, 3), "conv"))
            out.append((layer["bn"], (layer["out"],), "norm"))
            c = layer["out"]
        elif kind == "res":
            o = layer.get("out", c)
            block(layer["name"], c, o, 0)
            if layer.get("shortcut") == "B":
                out.append((layer["name"] + ".shortcut.0.weight", (o, c, 1, 1), "conv"))
                out.append((layer["name"] + ".shortcut.1", (o,), "norm"))
            c = o
        elif kind == "ode":
            block(layer["name"], c, c, 1 if layer.get("time", True) else 0)
        elif kind == "fc":
            out.append((layer["name"] + ".weight", (desc["classes"], c), "fc"))
            out.append((layer["name"] + ".bias", (desc["classes"],), "fc"))
        else:
            raise ValueError("layer kind '%s' is unknown; valid: stem, res, ode, fc" % kind)
    return out


def description_blob(tensors, desc, width, frac, batch_stats=None):
    """The parameter blob of any network.json's network (int64 words, W-bit raw values), its norms in the file's
    mode unless batch_stats says otherwise; a tensor that is missing or of another shape is named."""
    bs = desc["norm"] == "batch-stats" if batch_stats is None else batch_stats
    eps = desc.get("eps", EPS)
    parts = []
    for name, shape, kind in description_tensors(desc):
        names = [name] if kind != "norm" else [name + ".weight", name + ".bias"] + \
            ([] if bs else [name + ".running_mean", name + ".running_var"])
        for n in names:
            t = _tensor(tensors, n)
            if tuple(t.shape) != tuple(shape):
                raise ValueError("the weights' tensor '%s' has shape %s, the network needs %s"
                                 % (n, list(t.shape), list(shape)))
        if kind == "norm":
            parts += norm_params(tensors, name, bs, width, frac, eps)
        else:
            parts.append(quantize(tensors[name], width, frac))
    return np.concatenate([p.ravel() for p in parts])


def description_image_words(images, desc, width, frac):
    """uint8 images of a network.json's shape, one (H, W, C) [y][x][c] or a batch (n, H, W, C), to the engine's
    input words: per image C*H*W raw Q values [c][y][x] of (pixel / 255 - mean[c]) / std[c] (the file's)."""
    c, h, w = desc["input"]
    mean = desc.get("mean", [0.0] * c)
    std = desc.get("std", [1.0] * c)
    a = np.asarray(images)
    if a.dtype != np.uint8:
        raise ValueError("images must be uint8 (0..255), got %s" % a.dtype)
    if a.shape == (h, w, c):
        a = a[None]
    if a.ndim != 4 or a.shape[1:] != (h, w, c):
        raise ValueError("an image is uint8 (%d, %d, %d) [y][x][c], a batch (n, %d, %d, %d); got shape %s"
                         % (h, w, c, h, w, c, a.shape))
    px = a.transpose(0, 3, 1, 2).astype(np.float64) / 255.0
    norm = np.stack([(px[:, k] - mean[k]) / std[k] for k in range(c)], axis=1)
    return quantize(norm, width, frac).reshape(a.shape[0], -1)


def parameter_count(tensors):
    """The trainable parameters in a weights file (every .weight and .bias): a network's blob length."""
    return sum(t.size for n, t in tensors.items() if n.endswith(".weight") or n.endswith(".bias"))


def image_words(images, width, frac):
    """uint8 images, one (32, 32, 3) [y][x][c] or a batch (n, 32, 32, 3), to the engine's input words:
    per image 3*32*32 raw Q values [c][y][x] of (pixel / 255 - MEAN[c]) / STD[c] (Cifar100's normalized)."""
    a = np.asarray(images)
    if a.dtype != np.uint8:
        raise ValueError("images must be uint8 (0..255), got %s" % a.dtype)
    if a.shape == (32, 32, 3):
        a = a[None]
    if a.ndim != 4 or a.shape[1:] != (32, 32, 3):
        raise ValueError("an image is uint8 (32, 32, 3) [y][x][rgb], a batch (n, 32, 32, 3); got shape %s" % (a.shape,))
    px = a.transpose(0, 3, 1, 2).astype(np.float64) / 255.0
    norm = np.stack([(px[:, c] - MEAN[c]) / STD[c] for c in range(3)], axis=1)
    return quantize(norm, width, frac).reshape(a.shape[0], -1)
