"""Trains one network of the zoo and writes its weights as the safetensors file `odegen` reads.

    python src/main/python/train.py --variant rodenet-3 -N 20 --data digits --epochs 4 --out w.safetensors
    python src/main/python/train.py --variant rodenet-3 -N 20 --data cifar-100-binary --epochs 160 --out w.safetensors
    python src/main/python/train.py --model net.json --data digits --epochs 4 --out w.safetensors

--model trains the network of a description (MODEL.md's network.json) instead of a zoo variant;
the data sets' 3x32x32 images are made its C x H x W (gray for C = 1, resized) and normalized
with its mean and std. A description of 8x8 input gets the digits at their native 8x8 (one gray
channel; scikit-learn's 1797 images, the same seeded split), not shrunk back from the zoo's
upscaled 32x32. --test-images FILE writes the test split at the network's C x H x W as an image
set (data.py), which `odegen evaluate --model net.json --data FILE` reads:

    python src/main/python/train.py --model examples/networks/digits-8x8.json --data digits --epochs 10 \
        --batch 32 --out digits.safetensors --test-images digits-test.bin

Progress goes to stderr; the last line on stdout is the test accuracy. Same arguments, same
threads: byte-identical weights (seeded, deterministic algorithms).
"""
from . import _deps  # noqa: F401

import argparse
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data as datasets
from . import zoo
from .description import DescriptionError


def set_determinism(seed, threads):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)


def augment(x, gen):
    """Random crop with 4 pixels of zero padding and a random horizontal flip (the usual CIFAR ones)."""
    n, h, w = x.shape[0], x.shape[2], x.shape[3]
    padded = F.pad(x, (4, 4, 4, 4))
    dy = torch.randint(0, 9, (n,), generator=gen)
    dx = torch.randint(0, 9, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        img = padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w]
        out[i] = img.flip(2) if flip[i] else img
    return out


@torch.no_grad()
def logits_of(model, images, batch=256, dtype=torch.float32):
    """Eval-mode logits of uint8 images [n, 3, 32, 32] (a described model makes them its own input,
    from native digits too)."""
    model.eval()
    prepare = getattr(model, "prepare", datasets.normalize)
    out = []
    for i in range(0, len(images), batch):
        out.append(model(prepare(images[i:i + batch], dtype)))
    return torch.cat(out) if out else torch.zeros(0, classes_of(model), dtype=dtype)


def classes_of(model):
    return model.description["classes"] if hasattr(model, "description") else zoo.CLASSES


def build_model(args):
    if getattr(args, "model", None):
        from . import description
        return description.build(description.load(args.model))
    return zoo.build(args.variant, args.depth, args.norm, args.solver)


def top1(logits, labels):
    if len(labels) == 0:
        return 0.0
    return float((logits.argmax(1).numpy() == labels).mean())


def weights_bytes(model):
    meta = {"network": model.name, "norm": model.norm, "solver": model.solver, "format": "pt"}
    return datasets.safetensors_bytes(model.export_state(), metadata=meta)


def train(args, log=sys.stderr):
    set_determinism(args.seed, args.threads)
    model = build_model(args)
    # the digits' own size: a network described at 8x8 learns (and is tested on) the images as they are
    native = hasattr(model, "description") and list(model.description["input"][1:]) == [8, 8]
    train_set, test_set = datasets.load(args.data, args.seed, native=native)
    train_set = train_set.take(args.train_limit)
    test_set = test_set.take(args.eval_limit)
    classes = classes_of(model)
    if train_set.labels.max() >= classes:
        raise datasets.DataError("labels go up to %d; the %s classifier has %d classes"
                                 % (train_set.labels.max(), "description's" if args.model else "zoo's", classes))
    augmenting = args.augment if args.augment is not None else args.data != "digits"
    x_all = getattr(model, "prepare", datasets.normalize)(train_set.images)
    y_all = torch.from_numpy(train_set.labels)
    gen = torch.Generator().manual_seed(args.seed)
    steps_per_epoch = math.ceil(len(train_set) / args.batch)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay, nesterov=True)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / total)))
    log.write("training %s (%s norm, %s solver) on %d images of %s, testing on %d; %d epochs of %d batches\n"
              % (model.name, model.norm, model.solver, len(train_set), train_set.name, len(test_set), args.epochs,
                 steps_per_epoch))
    log.flush()
    start = time.monotonic()
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train_set), generator=gen)
        seen = correct = 0
        loss_sum = 0.0
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            x, y = x_all[idx], y_all[idx]
            if augmenting:
                x = augment(x, gen)
            out = model(x)
            loss = F.cross_entropy(out, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            seen += len(y)
            correct += int((out.argmax(1) == y).sum())
            loss_sum += float(loss.detach()) * len(y)
            if b + 1 == steps_per_epoch or (args.log_every and (b + 1) % args.log_every == 0):
                log.write("[epoch %d/%d, batch %d/%d, %.0f s] loss %.4f, train top-1 %.2f%%\n"
                          % (epoch, args.epochs, b + 1, steps_per_epoch, time.monotonic() - start,
                             loss_sum / seen, 100.0 * correct / seen))
                log.flush()
        if args.eval_every and epoch % args.eval_every == 0 and epoch < args.epochs:
            acc = top1(logits_of(model, test_set.images), test_set.labels)
            log.write("[epoch %d/%d] test top-1 %.2f%%\n" % (epoch, args.epochs, 100 * acc))
            log.flush()
    acc = top1(logits_of(model, test_set.images), test_set.labels)
    return model, acc, test_set


def add_network_args(p):
    p.add_argument("--variant", default="rodenet-3", help="one of: %s (default: %%(default)s)" % ", ".join(zoo.VARIANTS))
    p.add_argument("-N", "--depth", type=int, default=20, help="N: 20, 32, 44 or 56 (default: %(default)s)")
    p.add_argument("--norm", default="batch-stats", help="batch-stats or folded (default: %(default)s)")
    p.add_argument("--solver", default="euler", help="euler, heun or rk4 (default: %(default)s; the hardware: euler)")


def check_network_args(args):
    args.variant = zoo.parse_variant(args.variant)
    zoo.check_depth(args.depth)
    zoo.check_choice("norm", args.norm, zoo.NORMS)
    zoo.check_choice("solver", args.solver, zoo.SOLVERS)


def positive(name):
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            v = 0
        if v <= 0:
            raise argparse.ArgumentTypeError("%s must be a positive integer, got '%s'" % (name, text))
        return v
    return parse


def main(argv=None):
    p = argparse.ArgumentParser(prog="train.py", description=__doc__.split("\n")[0])
    add_network_args(p)
    p.add_argument("--data", required=True, help="digits (scikit-learn's, upsampled to 3x32x32; native 1x8x8 for an 8x8 --model), a CIFAR-100 folder "
                   "(binary or Python version) or a folder of class subfolders of images")
    p.add_argument("--out", required=True, help="the safetensors file to write")
    p.add_argument("--model", help="a network.json (MODEL.md) to train instead of --variant/-N/--norm/--solver")
    p.add_argument("--epochs", type=positive("--epochs"), default=10)
    p.add_argument("--batch", type=positive("--batch"), default=128)
    p.add_argument("--lr", type=float, default=0.1, help="initial learning rate, cosine to 0 (default: %(default)s)")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=positive("--threads"), default=1,
                   help="torch threads (default: %(default)s: on a busy machine more threads cost far more CPU; the same threads give the same bytes)")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--eval-limit", type=int, default=0, help="test only on the first N test images")
    p.add_argument("--augment", dest="augment", action="store_true", default=None,
                   help="random crop and flip (default: on, except for digits)")
    p.add_argument("--no-augment", dest="augment", action="store_false")
    p.add_argument("--log-every", type=int, default=0, help="a progress line every N batches (default: per epoch)")
    p.add_argument("--eval-every", type=int, default=0, help="test accuracy every N epochs (default: at the end)")
    p.add_argument("--summary", help="also write the final figures as JSON here")
    p.add_argument("--test-images", help="with --model: also write the test split at the network's C x H x W here, "
                   "as an image set (label byte + pixel bytes, data.py) for `odegen evaluate --model`")
    args = p.parse_args(argv)
    try:
        if args.model:
            given = [a for a in (sys.argv[1:] if argv is None else argv) for o in ("--variant", "-N", "--depth",
                     "--norm", "--solver") if a == o or a.startswith(o + "=") or (o == "-N" and a.startswith("-N"))]
            if given:
                raise zoo.ChoiceError("--model and %s do not go together: the description says the network"
                                      % given[0].split("=")[0])
        else:
            check_network_args(args)
        if args.test_images and not args.model:
            raise zoo.ChoiceError("--test-images goes with --model (the zoo's test split: a CIFAR-100 binary file, "
                                  "as ladder.py writes)")
        model, acc, test_set = train(args)
        if args.test_images:
            datasets.write_images(model.pixels(test_set.images), test_set.labels, args.test_images)
    except (zoo.ChoiceError, datasets.DataError, DescriptionError) as e:
        sys.stderr.write("train.py: error: %s\n" % e)
        return 2
    datasets.atomic_write(args.out, weights_bytes(model))
    if args.summary:
        datasets.atomic_write(args.summary, (json.dumps(
            {"network": model.name, "norm": model.norm, "solver": model.solver, "test_images": len(test_set),
             "test_top1": acc}, sort_keys=True, indent=1) + "\n").encode())
    print("%s: test top-1 %.2f%% (%d images of %s), PyTorch float; weights in %s"
          % (model.name, 100 * acc, len(test_set), test_set.name, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
