"""The accuracy ladder, one command: a trained network's top-1 in PyTorch float, in the Java
float twin, in the fixed-point twin at each format of a sweep, and with its ODEBlocks on the
generated RTL for a few images; one table (Markdown) and a plot of top-1 against W.

    python src/main/python/ladder.py --variant rodenet-3 -N 20 --weights w.safetensors --data digits --out ladder/

PyTorch runs here on the test split of --data (the same split train.py tested on: same --data
and --seed); the images go to `odegen ladder` as a CIFAR-100 binary file with PyTorch's logits
beside them (ladder/test.bin, ladder/torch_logits.safetensors), and the Java side runs the rest.
"""
from . import _deps  # noqa: F401

import argparse
import os
import shlex
import subprocess
import sys

import torch
from safetensors.torch import load_file

from . import data as datasets
from . import train as training
from . import zoo

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))


class WeightsError(ValueError):
    pass


def load_model(variant, depth, norm, solver, path, dtype=torch.float32):
    """The zoo network with the weights of a safetensors file (every tensor present, none extra)."""
    model = zoo.build(variant, depth, norm, solver)
    try:
        tensors = load_file(path)
    except Exception as e:  # safetensors raises its own error types
        raise WeightsError("weights %s: not a readable safetensors file (%s)" % (path, e))
    want = model.export_state()
    missing = sorted(set(want) - set(tensors))
    extra = sorted(set(tensors) - set(want) - {k for k in model.state_dict() if k.endswith("num_batches_tracked")})
    if missing or extra:
        raise WeightsError("weights %s do not fit %s: missing %s, unexpected %s"
                           % (path, model.name, missing[:4] or "none", extra[:4] or "none"))
    for k, v in want.items():
        if tuple(tensors[k].shape) != tuple(v.shape):
            raise WeightsError("weights %s: tensor '%s' has shape %s, %s needs %s"
                               % (path, k, list(tensors[k].shape), model.name, list(v.shape)))
    model.load_state_dict(tensors, strict=False)
    return model.to(dtype).eval()


def write_torch_logits(path, logits, labels):
    payload = datasets.safetensors_bytes({"logits": logits.contiguous(), "labels": torch.from_numpy(labels).contiguous()})
    datasets.atomic_write(path, payload)


def main(argv=None):
    p = argparse.ArgumentParser(prog="ladder.py", description=__doc__.split("\n")[0])
    training.add_network_args(p)
    p.add_argument("--weights", required=True, help="the trained network's safetensors file (train.py --out)")
    p.add_argument("--data", required=True, help="as for train.py: digits, a CIFAR-100 folder or an image folder")
    p.add_argument("--seed", type=int, default=0, help="the split's seed, as for train.py (default: %(default)s)")
    p.add_argument("--limit", type=int, default=0, help="only the first N test images (default: all)")
    p.add_argument("--formats", help="fixed-point formats, comma-separated QW.F (default: odegen ladder's, "
                   "Q32.20 down to Q10.5)")
    p.add_argument("--cosim-images", type=int, default=0,
                   help="images run with the ODEBlocks on the Verilated RTL (default: %(default)s; ~30 s each)")
    p.add_argument("--lanes", type=int, default=16, help="lanes of the RTL blocks (default: %(default)s)")
    p.add_argument("--out", default="ladder", help="output folder (default: %(default)s)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--odegen", default=os.path.join(REPO, "odegen"),
                   help="the command that runs odegen (default: this checkout's ./odegen)")
    args = p.parse_args(argv)
    try:
        training.check_network_args(args)
        if args.limit < 0 or args.cosim_images < 0:
            raise zoo.ChoiceError("--limit and --cosim-images must be 0 or more")
        torch.set_num_threads(args.threads)
        model = load_model(args.variant, args.depth, args.norm, args.solver, args.weights)
        _, test_set = datasets.load(args.data, args.seed)
        test_set = test_set.take(args.limit)
    except (zoo.ChoiceError, datasets.DataError, WeightsError) as e:
        sys.stderr.write("ladder.py: error: %s\n" % e)
        return 2
    os.makedirs(args.out, exist_ok=True)
    logits = training.logits_of(model, test_set.images)
    sys.stderr.write("[ladder] PyTorch float: top-1 %.2f%% on %d images of %s\n"
                     % (100 * training.top1(logits, test_set.labels), len(test_set), test_set.name))
    test_bin = os.path.join(args.out, "test.bin")
    torch_logits = os.path.join(args.out, "torch_logits.safetensors")
    datasets.write_cifar_binary(test_set, test_bin)
    write_torch_logits(torch_logits, logits, test_set.labels)
    cmd = shlex.split(args.odegen) + [
        "ladder", "--variant", args.variant, "-N", str(args.depth), "--norm", args.norm, "--solver", args.solver,
        "--weights", args.weights,
        "--data", test_bin, "--torch-logits", torch_logits] + (["--formats", args.formats] if args.formats else []) + [
        "--cosim-images", str(args.cosim_images), "--lanes", str(args.lanes), "--out", args.out]
    sys.stderr.write("[ladder] odegen %s\n" % " ".join(shlex.quote(c) for c in cmd[len(shlex.split(args.odegen)):]))
    sys.stderr.flush()
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
