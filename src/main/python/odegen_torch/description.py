"""A network described in a file, `network.json` (/work/shared/design/MODEL.md is the contract):
validation, the normalized form, the zoo's descriptions, and, through `odegen_torch.described`,
the PyTorch model of a description and the description of a model.

    python -m odegen_torch.description describe --variant rodenet-3 --depth 20 [--norm folded] [--solver rk4]
    python -m odegen_torch.description check net.json
    python -m odegen_torch.description init net.json --seed 1 --out w.safetensors

`parse` and `check` need neither torch nor numpy (this module imports them only for `build`,
`describe`, `zoo_description` and `init`), so that checking a file costs a fraction of a
second, not the seconds of importing torch.

Errors: every mistake raises one DescriptionError whose message names the place, e.g.
`layer 2 (ode1): unknown key 'stpes'; valid: name, steps, solver, time, t0, t1`; the command line
prints it as one line `error: ...` and exits 2.
"""
import argparse
import json
import math
import sys

NORMS = ("batch-stats", "folded")  # zoo.NORMS; repeated so that parse() needs no torch
SOLVERS = ("euler", "heun", "rk4")  # zoo.SOLVERS
KINDS = ("stem", "res", "ode", "fc")
EPS = 1e-5  # zoo.EPS: MODEL.md's default
SHORTCUTS = ("A", "B")

# The keys of each object in MODEL.md's order, which is also the order of the normalized dicts.
TOP_KEYS = ("input", "classes", "norm", "eps", "mean", "std", "layers")
LAYER_KEYS = {
    "stem": ("kind", "out", "conv", "bn"),
    "res": ("kind", "name", "out", "stride", "shortcut"),
    "ode": ("kind", "name", "steps", "solver", "time", "t0", "t1"),
    "fc": ("kind", "name"),
}


class DescriptionError(ValueError):
    """One mistake in a description: the message names the layer (index and name) or the key."""


# ---------------------------------------------------------------------------------------------
# JSON reading: duplicate keys and NaN/Infinity are mistakes, not something json.loads hides

class _Object(dict):
    """A JSON object that remembers the keys it had twice (json.loads keeps the last silently)."""
    duplicates = ()


def _object(pairs):
    obj = _Object()
    dups = []
    for k, v in pairs:
        if k in obj:
            dups.append(k)
        obj[k] = v
    obj.duplicates = tuple(dups)
    return obj


def _no_constant(name):
    raise DescriptionError("not JSON: %s is not a number JSON allows" % name)


def loads(text):
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DescriptionError("not UTF-8: %s" % e)
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise DescriptionError("not JSON: %s" % e)


# ---------------------------------------------------------------------------------------------
# validation

def _show(v):
    """A value as the user wrote it, with its JSON type where that is the mistake."""
    kind = ("a boolean" if isinstance(v, bool) else "null" if v is None else "a string" if isinstance(v, str)
            else "a list" if isinstance(v, list) else "an object" if isinstance(v, dict) else "a number")
    text = json.dumps(v, sort_keys=True)
    if len(text) > 40:
        text = text[:37] + "..."
    return "%s (%s)" % (text, kind) if kind != "a number" else text


def _a(kind):
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def _is_int(v):
    # bool is an int to Python, not to JSON; 28.0 is a number but not an integer
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v):
    return (_is_int(v) or isinstance(v, float)) and math.isfinite(v)


class _Where:
    """The prefix of a message: 'layer 2 (ode1): ' or '' at the top."""

    def __init__(self, index=None, layer=None):
        self.index = index
        self.layer = layer

    def label(self):
        if self.index is None:
            return ""
        layer = self.layer if isinstance(self.layer, dict) else {}
        name = layer.get("name")
        kind = layer.get("kind")
        if isinstance(name, str) and name:
            what = name
        elif kind == "stem":
            what = "stem"
        elif isinstance(kind, str) and kind in KINDS:
            what = "%s, no name" % kind
        else:
            what = "no kind"
        return "layer %d (%s): " % (self.index, what)

    def error(self, text):
        return DescriptionError(self.label() + text)


def _keys(obj, valid, where, what):
    dups = getattr(obj, "duplicates", ())
    if dups:
        raise where.error("key '%s' appears twice%s" % (dups[0], what))
    for k in obj:
        if k not in valid:
            shown = [v for v in valid if v != "kind"]
            raise where.error("unknown key '%s'%s; valid: %s" % (k, what, ", ".join(shown)))


def _int(obj, key, where, lo=None, default=None, required=False):
    if key not in obj:
        if required:
            raise where.error("%s is required" % key)
        return default
    v = obj[key]
    if not _is_int(v):
        raise where.error("%s must be an integer, got %s" % (key, _show(v)))
    if lo is not None and v < lo:
        raise where.error("%s must be >= %d, got %d" % (key, lo, v))
    return v


def _float(obj, key, where, default):
    if key not in obj:
        return default
    v = obj[key]
    if not _is_number(v):
        raise where.error("%s must be a number, got %s" % (key, _show(v)))
    return float(v)


def _choice(obj, key, where, valid, default=None, required=False):
    if key not in obj:
        if required:
            raise where.error("%s is required; valid: %s" % (key, ", ".join(valid)))
        return default
    v = obj[key]
    if not isinstance(v, str):
        raise where.error("%s must be a string, one of %s; got %s" % (key, ", ".join(valid), _show(v)))
    if v not in valid:
        raise where.error("%s '%s' is unknown; valid: %s" % (key, v, ", ".join(valid)))
    return v


def _name(obj, key, where):
    if key not in obj:
        raise where.error("%s is required" % key)
    v = obj[key]
    if not isinstance(v, str):
        raise where.error("%s must be a string, got %s" % (key, _show(v)))
    # the name is the prefix of tensor names: "a..b" or ".a" would give "a..b.weight"
    if v == "" or any(part == "" for part in v.split(".")):
        raise where.error("%s '%s' must be non-empty dot-separated words (as 'layer1.0')" % (key, v))
    return v


def _vector(obj, key, where, n, default, positive):
    if key not in obj:
        return [default] * n
    v = obj[key]
    if not isinstance(v, list):
        raise where.error("%s must be a list of %d numbers (one per input channel), got %s" % (key, n, _show(v)))
    if len(v) != n:
        raise where.error("%s has %d numbers; the input has C = %d channels" % (key, len(v), n))
    out = []
    for i, x in enumerate(v):
        if not _is_number(x):
            raise where.error("%s[%d] must be a number, got %s" % (key, i, _show(x)))
        if positive and not x > 0:
            raise where.error("%s[%d] must be > 0, got %s" % (key, i, x))
        out.append(float(x))
    return out


def parse(obj_or_text):
    """A description (a dict, or JSON text or bytes) -> its normalized dict: every default written
    out, numbers of t0/t1/eps/mean/std as floats, keys in MODEL.md's order. A res layer's
    `shortcut` stays absent where it is the identity (MODEL.md gives it no value). Raises
    DescriptionError on the first mistake."""
    obj = loads(obj_or_text) if isinstance(obj_or_text, (str, bytes, bytearray)) else obj_or_text
    top = _Where()
    if not isinstance(obj, dict):
        raise top.error("a description is a JSON object, got %s" % _show(obj))
    _keys(obj, TOP_KEYS, top, "")

    if "input" not in obj:
        raise top.error("input is required: [C, H, W]")
    inp = obj["input"]
    if not isinstance(inp, list) or len(inp) != 3:
        raise top.error("input must be a list of 3 integers [C, H, W], got %s" % _show(inp))
    for i, (axis, v) in enumerate(zip("CHW", inp)):
        if not _is_int(v):
            raise top.error("input[%d] (%s) must be an integer, got %s" % (i, axis, _show(v)))
        if v < 1:
            raise top.error("input[%d] (%s) must be >= 1, got %d" % (i, axis, v))
    c = inp[0]
    classes = _int(obj, "classes", top, lo=1, required=True)
    norm = _choice(obj, "norm", top, NORMS, required=True)
    eps = _float(obj, "eps", top, EPS)
    if not eps > 0:
        raise top.error("eps must be > 0, got %s" % eps)
    mean = _vector(obj, "mean", top, c, 0.0, positive=False)
    std = _vector(obj, "std", top, c, 1.0, positive=True)

    if "layers" not in obj:
        raise top.error("layers is required: a stem first, an fc last, res and ode between")
    layers = obj["layers"]
    if not isinstance(layers, list):
        raise top.error("layers must be a list, got %s" % _show(layers))
    if not layers:
        raise top.error("layers is empty; a stem first and an fc last are needed")

    out_layers = []
    names = []  # (name, layer index): every name that prefixes tensor names
    channels = c
    for i, layer in enumerate(layers):
        where = _Where(i, layer)
        if not isinstance(layer, dict):
            raise where.error("a layer is a JSON object, got %s" % _show(layer))
        kind = _choice(layer, "kind", where, KINDS, required=True)
        _keys(layer, LAYER_KEYS[kind], where, " for %s layer" % _a(kind))
        last = i == len(layers) - 1
        if i == 0 and kind != "stem":
            raise where.error("the first layer must be the stem, got %s layer" % _a(kind))
        if i > 0 and kind == "stem":
            raise where.error("a stem only as the first layer; this network has one at layer 0")
        if kind == "fc" and not last:
            follow = len(layers) - 1 - i
            raise where.error("fc must be the last layer; %s follow%s it" % (
                "layer %d" % (i + 1) if follow == 1 else "layers %d..%d" % (i + 1, len(layers) - 1),
                "s" if follow == 1 else ""))
        if last and kind != "fc":
            raise where.error("the last layer must be fc, got %s layer" % _a(kind))

        if kind == "stem":
            out = _int(layer, "out", where, lo=1, required=True)
            conv = _name(layer, "conv", where)
            bn = _name(layer, "bn", where)
            names += [(conv, i, "conv"), (bn, i, "bn")]
            out_layers.append({"kind": "stem", "out": out, "conv": conv, "bn": bn})
            channels = out
        elif kind == "res":
            name = _name(layer, "name", where)
            names.append((name, i, "name"))
            cin = channels
            out = _int(layer, "out", where, lo=1, default=cin)
            stride = _int(layer, "stride", where, default=1)
            if stride not in (1, 2):
                raise where.error("stride must be 1 or 2, got %d" % stride)
            shortcut = _choice(layer, "shortcut", where, SHORTCUTS)
            changes = out != cin or stride == 2
            if shortcut is None and changes:
                raise where.error("from %d to %d channels at stride %d needs a shortcut: A (out >= in) or B"
                                  % (cin, out, stride))
            if shortcut == "A" and out < cin:
                raise where.error("shortcut A needs out >= in (it pads channels), here %d to %d; use B" % (cin, out))
            if shortcut == "A" and not changes:
                raise where.error("shortcut A needs more channels or stride 2, here %d to %d at stride 1; leave it "
                                  "out (identity) or use B" % (cin, out))
            d = {"kind": "res", "name": name, "out": out, "stride": stride}
            if shortcut is not None:
                d["shortcut"] = shortcut
            out_layers.append(d)
            channels = out
        elif kind == "ode":
            name = _name(layer, "name", where)
            names.append((name, i, "name"))
            steps = _int(layer, "steps", where, lo=1, required=True)
            solver = _choice(layer, "solver", where, SOLVERS, default="euler")
            time = layer.get("time", True)
            if not isinstance(time, bool):
                raise where.error("time must be true or false, got %s" % _show(time))
            t0 = _float(layer, "t0", where, 0.0)
            t1 = _float(layer, "t1", where, 1.0)
            out_layers.append({"kind": "ode", "name": name, "steps": steps, "solver": solver, "time": time,
                               "t0": t0, "t1": t1})
        else:
            name = _name(layer, "name", where)
            names.append((name, i, "name"))
            out_layers.append({"kind": "fc", "name": name})
    _check_names(names, layers)
    return {"input": [c, inp[1], inp[2]], "classes": classes, "norm": norm, "eps": eps, "mean": mean, "std": std,
            "layers": out_layers}


def _check_names(names, layers):
    """Unique names, none inside another: 'a' and 'a.b' would make the module at 'a' both a layer
    and a folder of layers, and could give one tensor name twice ('a.bn1.weight' of a res 'a'
    and of a stem whose bn is 'a.bn1')."""
    seen = {}
    for name, i, key in names:
        where = _Where(i, layers[i])
        if name in seen:
            j, other = seen[name]
            if j == i:
                raise where.error("%s and %s have the same name '%s'" % (other, key, name))
            raise where.error("%s '%s' is used by layer %d too" % (key, name, j))
        seen[name] = (i, key)
    for name, i, key in names:
        parts = name.split(".")
        for n in range(1, len(parts)):
            prefix = ".".join(parts[:n])
            if prefix in seen:
                j, _ = seen[prefix]
                raise _Where(i, layers[i]).error("%s '%s' lies inside layer %d's '%s' (its tensors would be that "
                                                 "layer's)" % (key, name, j, prefix))


def load(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise DescriptionError("cannot read %s: %s" % (path, e.strerror or e))
    return parse(data)


def canonical(desc):
    """The normalized description as text: keys sorted, two-space indent, ASCII, one newline at
    the end; the same description gives the same bytes."""
    return json.dumps(parse(desc), sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def tensors(desc, running=None):
    """[(name, shape)] of the tensors a description names, in MODEL.md's blob order: a norm's
    running statistics for `folded` only (batch-stats does not use them). running=True lists them
    for both norms, as PyTorch's state_dict holds them (less num_batches_tracked)."""
    d = parse(desc)
    if running is None:
        running = d["norm"] == "folded"
    out = []
    c = d["input"][0]

    def norm(prefix, n):
        out.extend([(prefix + ".weight", [n]), (prefix + ".bias", [n])])
        if running:
            out.extend([(prefix + ".running_mean", [n]), (prefix + ".running_var", [n])])

    for layer in d["layers"]:
        k = layer["kind"]
        if k == "stem":
            out.append((layer["conv"] + ".weight", [layer["out"], c, 3, 3]))
            norm(layer["bn"], layer["out"])
            c = layer["out"]
        elif k in ("res", "ode"):
            p = layer["name"]
            cout = layer.get("out", c)
            cin1 = c + 1 if k == "ode" and layer["time"] else c
            cin2 = cout + 1 if k == "ode" and layer["time"] else cout
            out.append((p + ".conv1.weight", [cout, cin1, 3, 3]))
            norm(p + ".bn1", cout)
            out.append((p + ".conv2.weight", [cout, cin2, 3, 3]))
            norm(p + ".bn2", cout)
            if layer.get("shortcut") == "B":
                out.append((p + ".shortcut.0.weight", [cout, c, 1, 1]))
                norm(p + ".shortcut.1", cout)
            c = cout
        else:
            out.extend([(layer["name"] + ".weight", [d["classes"], c]), (layer["name"] + ".bias", [d["classes"]])])
    return out


# ---------------------------------------------------------------------------------------------
# the zoo's descriptions (torch: zoo.py holds the tables)

def zoo_description(variant, depth, norm="batch-stats", solver="euler"):
    """The zoo network as MODEL.md describes it: the user guide's state_dict names, one `ode` layer of
    `steps` = executions per ODE row, option A where a block changes channels and size, CIFAR-100's
    normalization; from zoo.layer_table and zoo.STAGES, without building the model."""
    from . import zoo
    from . import data as datasets
    v = zoo.parse_variant(variant)
    zoo.check_choice("norm", norm, zoo.NORMS)
    zoo.check_choice("solver", solver, zoo.SOLVERS)
    shapes = {s[0]: s[1:] for s in zoo.STAGES}
    layers = []
    for sid, kind, instances, executions in zoo.layer_table(v, depth):
        cin, cout, _, stride = shapes[sid]
        if kind == "stem":
            layers.append({"kind": "stem", "out": cout, "conv": "conv1", "bn": "bn1"})
        elif kind == "resnet":
            for i in range(instances):
                d = {"kind": "res", "name": "%s.%d" % (sid, i), "out": cout, "stride": stride if i == 0 else 1}
                if i == 0 and (cin != cout or stride != 1):
                    d["shortcut"] = "A"
                layers.append(d)
        elif kind == "ode":
            for i in range(instances):
                layers.append({"kind": "ode", "name": "%s.%d" % (sid, i), "steps": executions, "solver": solver,
                               "time": True, "t0": 0.0, "t1": 1.0})
        else:
            layers.append({"kind": "fc", "name": sid})
    first = zoo.STAGES[0]
    return parse({"input": [first[1], first[3], first[3]], "classes": zoo.CLASSES, "norm": norm, "eps": zoo.EPS,
                  "mean": list(datasets.MEAN), "std": list(datasets.STD), "layers": layers})


def zoo_network(desc):
    """The zoo's name of a description ("rODENet-3-20") where it is canonically one of the zoo's
    (MODEL.md: then it is that network), else "custom"."""
    from . import zoo
    d = parse(desc)
    solvers = sorted({l["solver"] for l in d["layers"] if l["kind"] == "ode"}) or ["euler"]
    if len(solvers) != 1:
        return "custom"
    for v in zoo.VARIANTS:
        for n in zoo.DEPTHS:
            if zoo_description(v, n, d["norm"], solvers[0]) == d:
                return zoo.network_name(v, n)
    return "custom"


# the torch side, imported when first asked for (PEP 562) so that parse and check stay light
_TORCH_NAMES = ("build", "describe", "DescribedNet", "ModuleError", "randomize")


def __getattr__(name):
    if name in _TORCH_NAMES:
        from . import described
        return getattr(described, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# ---------------------------------------------------------------------------------------------
# command line

class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are this tool's one line and exit 2."""

    def error(self, message):
        sys.stderr.write("error: %s\n" % message)
        sys.exit(2)


def main(argv=None):
    p = _Parser(prog="python -m odegen_torch.description", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", metavar="{describe,check,init}")
    d = sub.add_parser("describe", help="print a zoo network's description as JSON")
    d.add_argument("--variant", required=True)
    d.add_argument("--depth", "-N", type=int, required=True)
    d.add_argument("--norm", default="batch-stats")
    d.add_argument("--solver", default="euler")
    c = sub.add_parser("check", help="validate a description; print its normalized JSON")
    c.add_argument("file")
    i = sub.add_parser("init", help="build the model of a description and write seeded random weights")
    i.add_argument("file")
    i.add_argument("--seed", type=int, default=1)
    i.add_argument("--out", required=True, help="the safetensors file to write (float32)")
    s = sub.add_parser("selftest", help="(for DescriptionTorchTest) facts as JSON; descriptions as files")
    s.add_argument("files", nargs="*")
    args = p.parse_args(argv)
    if args.command is None:
        p.error("a command is needed: describe, check or init")
    try:
        if args.command == "describe":
            sys.stdout.write(canonical(zoo_description(args.variant, args.depth, args.norm, args.solver)))
        elif args.command == "check":
            sys.stdout.write(canonical(load(args.file)))
        elif args.command == "init":
            from . import described
            described.init(load(args.file), args.seed, args.out)
        else:
            from . import described
            sys.stdout.write(json.dumps(described.selftest(args.files), sort_keys=True) + "\n")
    except ValueError as e:  # DescriptionError, zoo.ChoiceError, described.ModuleError
        sys.stderr.write("error: %s\n" % str(e).replace("\n", " "))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
