"""Material for the torch/Java agreement check (TorchAgreementTest): for each network, seeded
random weights (norm parameters and running statistics drawn away from their defaults, so both
norm modes are exercised), PyTorch's float64 logits of random images, and the images as a
CIFAR-100 binary file.

    python -m odegen_torch.agreement --out DIR --images 2 --networks rodenet-3:20:batch-stats,odenet:56:folded
    python -m odegen_torch.agreement --facts        # the facts the Java side also holds, as JSON

    python -m odegen_torch.agreement --model net.json[,other.json] --out DIR --images 2 --seed 5

For a description file (MODEL.md) "<name>.json" it writes <name>.safetensors (seeded random
weights as randomize draws them, F32) and <name>.logits.safetensors ('logits' F64 [n, K], the
float64 PyTorch logits of 'images' F64 [n, C, H, W], seeded random normalized images: N(0, 1)).

For each network "<variant>-<N>-<norm>" (then "-<solver>" for heun and rk4) it writes
<name>.safetensors (the weights, F32) and <name>.logits.safetensors ('logits' F64 [n, 100],
'labels' [n]); images.bin is shared.
"""
from . import _deps  # noqa: F401

import argparse
import json
import os
import sys

import numpy as np
import torch

from . import data as datasets
from . import train as training
from . import zoo
from .ladder import write_torch_logits


def facts():
    """What Python repeats of the Java side; the test compares each with Java's own."""
    tables = {}
    for v in zoo.VARIANTS:
        for n in zoo.DEPTHS:
            tables["%s-%d" % (v, n)] = [list(r) for r in zoo.layer_table(v, n)]
    return {"mean": list(datasets.MEAN), "std": list(datasets.STD), "eps": zoo.EPS, "variants": list(zoo.VARIANTS),
            "names": [zoo.VARIANTS[v] for v in zoo.VARIANTS], "depths": list(zoo.DEPTHS),
            "stages": [list(s) for s in zoo.STAGES], "tables": tables}


def randomize(model, gen):
    """Kaiming-like convolutions (PyTorch's default init, drawn from gen), norm parameters and
    running statistics away from (1, 0) and (0, 1)."""
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            u = torch.rand(t.shape, generator=gen, dtype=torch.float64)
            if name.endswith("running_var"):
                t.copy_(0.5 + 1.5 * u)
            elif name.endswith("running_mean"):
                t.copy_(u - 0.5)
            elif t.dim() == 1 and name.endswith(".weight"):  # gamma
                t.copy_(0.6 + 0.8 * u)
            elif t.dim() == 1:  # beta, fc.bias
                t.copy_(0.4 * u - 0.2)
            elif t.dim() == 4:  # convolutions
                fan_in = t[0].numel()  # Cin * 9 for 3x3, Cin for a 1x1 shortcut (MODEL.md's option B)
                t.copy_(torch.randn(t.shape, generator=gen, dtype=torch.float64) * (2.0 / fan_in) ** 0.5)
            else:  # fc.weight
                t.copy_((2 * u - 1) * 0.125)


def described_agreement(files, out, n, seed):
    """For each description file: its seeded random weights, n seeded random normalized images of
    its C x H x W and their float64 logits (on the float32 weights written, as Java reads them)."""
    from . import described
    from . import description as spec
    os.makedirs(out, exist_ok=True)
    for f in files:
        d = spec.load(f)
        name = os.path.splitext(os.path.basename(f))[0]
        model = described.build(d)
        randomize(model, torch.Generator().manual_seed(seed * 1000 + 1))
        weights = model.export_state()
        meta = {"network": model.name, "norm": model.norm, "format": "pt"}
        datasets.atomic_write(os.path.join(out, name + ".safetensors"), datasets.safetensors_bytes(weights, metadata=meta))
        model.load_state_dict(weights, strict=False)
        images = torch.randn([n] + list(d["input"]), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        model.double().eval()
        with torch.no_grad():
            logits = model(images)
        datasets.atomic_write(os.path.join(out, name + ".logits.safetensors"), datasets.safetensors_bytes(
            {"logits": logits.contiguous(), "images": images.contiguous()}))
        sys.stderr.write("[agreement] %s: %d images\n" % (name, n))


def main(argv=None):
    p = argparse.ArgumentParser(prog="agreement.py", description=__doc__.split("\n")[0])
    p.add_argument("--out", help="output folder")
    p.add_argument("--images", type=int, default=2)
    p.add_argument("--networks", default="", help="variant:N:norm[:solver], comma-separated (solver: euler "
                   "when left out)")
    p.add_argument("--model", default="", help="description files (network.json, MODEL.md), comma-separated")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--facts", action="store_true", help="print the facts shared with the Java side as JSON")
    args = p.parse_args(argv)
    if args.facts:
        print(json.dumps(facts(), sort_keys=True))
        return 0
    if not args.out or not (args.networks or args.model):
        sys.stderr.write("agreement.py: error: --out and --networks or --model are needed (or --facts)\n")
        return 2
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if args.model:
        from .description import DescriptionError
        try:
            described_agreement([f for f in args.model.split(",") if f], args.out, args.images, args.seed)
        except DescriptionError as e:
            sys.stderr.write("agreement.py: error: %s\n" % e)
            return 2
        if not args.networks:
            return 0
    networks = []
    try:
        for item in args.networks.split(","):
            parts = item.split(":")
            if len(parts) not in (3, 4):
                raise zoo.ChoiceError("network '%s': expected variant:N:norm[:solver], e.g. rodenet-3:20:folded:rk4"
                                      % item)
            solver = zoo.check_choice("solver", parts[3], zoo.SOLVERS) if len(parts) == 4 else "euler"
            networks.append((zoo.parse_variant(parts[0]), zoo.check_depth(int(parts[1])),
                             zoo.check_choice("norm", parts[2], zoo.NORMS), solver))
    except (zoo.ChoiceError, ValueError) as e:
        sys.stderr.write("agreement.py: error: %s\n" % e)
        return 2
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.RandomState(args.seed)
    images = datasets.Split(rng.randint(0, 256, size=(args.images, 3, 32, 32)).astype(np.uint8),
                            rng.randint(0, 100, size=args.images).astype(np.int64), "random")
    datasets.write_cifar_binary(images, os.path.join(args.out, "images.bin"))
    for variant, depth, norm, solver in networks:
        # Euler's files keep their old names; another solver's name ends in it
        name = "%s-%d-%s" % (variant, depth, norm) + ("" if solver == "euler" else "-" + solver)
        model = zoo.build(variant, depth, norm, solver)
        randomize(model, torch.Generator().manual_seed(args.seed * 1000 + depth))
        weights = model.export_state()
        meta = {"network": model.name, "norm": norm, "solver": solver, "format": "pt"}
        datasets.atomic_write(os.path.join(args.out, name + ".safetensors"), datasets.safetensors_bytes(weights, metadata=meta))
        # float64 on the float32 weights just written, as the Java float twin reads them
        model.load_state_dict(weights, strict=False)
        logits = training.logits_of(model.double(), images.images, dtype=torch.float64)
        write_torch_logits(os.path.join(args.out, name + ".logits.safetensors"), logits, images.labels)
        sys.stderr.write("[agreement] %s: %d images\n" % (name, args.images))
    return 0


if __name__ == "__main__":
    sys.exit(main())
