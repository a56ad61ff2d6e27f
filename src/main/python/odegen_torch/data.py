"""Data sets, all as uint8 images [n, 3, 32, 32] and labels 0..99, read from files the user has
(no download at run time):

- `digits`: scikit-learn's 8x8 digits (shipped with the package), 0..16 scaled to 0..255,
  each pixel a 4x4 square, the gray copied to three channels; a seeded 80/20 split; or, for a
  network described at 8x8 (`load(..., native=True)`), the native 1x8x8 images of the same split;
- a CIFAR-100 folder: the binary version (train.bin, test.bin) or the Python version
  (train, test: pickled dicts with b'data' and b'fine_labels');
- a folder of images: one subfolder per class (at most 100; sorted names give labels 0, 1, ...),
  either under train/ and test/ or all together (then a seeded 80/20 split); PNG or PPM/PGM, read by
  Pillow, each image resized to 32x32 (area/bilinear).

Images are normalized as the Java side does (org.odegen.net.Cifar100): (pixel/255 - mean)/std.
The test split can be written in the CIFAR-100 binary format, which `odegen evaluate` and
`odegen ladder` read, or, at any C x H x W, as an image set (`write_images`), which
`odegen evaluate --model net.json` reads (org.odegen.net.ImageSet):

    16-byte header: b"ODEGENIM", then C, H, W as little-endian uint16, then 2 zero bytes;
    then one record an image: 1 label byte, C*H*W pixel bytes (channel-major, row-major).
"""
from . import _deps  # noqa: F401

import os
import pickle
import struct

import numpy as np

# org.odegen.net.Cifar100.MEAN and STD; TorchAgreementTest holds them equal.
MEAN = (0.5071, 0.4865, 0.4409)
STD = (0.2673, 0.2564, 0.2762)
RECORD_BYTES = 2 + 3 * 32 * 32
IMAGE_SUFFIXES = (".png", ".ppm", ".pgm", ".pnm")


class DataError(ValueError):
    """A data set that cannot be read: the message names the file or folder and what was wrong."""


class Split:
    def __init__(self, images, labels, name):
        self.images = images  # uint8 [n, 3, 32, 32] (native digits: [n, 1, 8, 8])
        self.labels = labels  # int64 [n]
        self.name = name

    def __len__(self):
        return len(self.labels)

    def take(self, limit):
        if limit is None or limit <= 0 or limit >= len(self):
            return self
        return Split(self.images[:limit], self.labels[:limit], self.name)


def normalize(images, dtype=None):
    """uint8 [n, 3, 32, 32] -> the normalized torch tensor, computed in double, then cast."""
    import torch
    x = torch.from_numpy(images.astype(np.float64) / 255.0)
    mean = torch.tensor(MEAN, dtype=torch.float64).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=torch.float64).view(1, 3, 1, 1)
    x = (x - mean) / std
    return x.to(dtype or torch.float32)


def _split(images, labels, seed, name):
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(labels))
    cut = len(labels) - len(labels) // 5
    tr, te = order[:cut], order[cut:]
    return Split(images[tr], labels[tr], name + " (train split)"), Split(images[te], labels[te], name + " (test split)")


def digits(seed=0, native=False):
    """The digits, upscaled to 3x32x32 (the zoo's input), or native 1x8x8: the same split either way."""
    from sklearn.datasets import load_digits
    d = load_digits()
    img = np.rint(d.images * (255.0 / 16.0)).clip(0, 255).astype(np.uint8)  # [n, 8, 8]
    if native:
        return _split(np.ascontiguousarray(img[:, None]), d.target.astype(np.int64), seed, "digits")
    img = np.kron(img, np.ones((1, 4, 4), dtype=np.uint8))  # [n, 32, 32]
    img = np.repeat(img[:, None], 3, axis=1)
    return _split(np.ascontiguousarray(img), d.target.astype(np.int64), seed, "digits")


def read_cifar_binary(path):
    size = os.path.getsize(path)
    if size == 0 or size % RECORD_BYTES:
        raise DataError("CIFAR-100 file %s: %d bytes is not a whole number of %d-byte records "
                        "(1 coarse label, 1 fine label, 3072 pixels)" % (path, size, RECORD_BYTES))
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    if (raw[:, 0] >= 20).any() or (raw[:, 1] >= 100).any():
        raise DataError("CIFAR-100 file %s: a label is out of range (coarse 0..19, fine 0..99)" % path)
    return Split(raw[:, 2:].reshape(-1, 3, 32, 32).copy(), raw[:, 1].astype(np.int64), os.path.basename(path))


def write_cifar_binary(split, path):
    """Writes the split as CIFAR-100 binary records (coarse label 0), whole or not at all."""
    n = len(split)
    if n and (split.labels.min() < 0 or split.labels.max() >= 100):
        raise DataError("labels must be 0..99 for the CIFAR-100 format")
    out = np.zeros((n, RECORD_BYTES), dtype=np.uint8)
    out[:, 1] = split.labels
    out[:, 2:] = split.images.reshape(n, -1)
    atomic_write(path, out.tobytes())


IMAGES_MAGIC = b"ODEGENIM"


def write_images(images, labels, path):
    """Writes uint8 images [n, C, H, W] with labels 0..255 as an image set (the module's docstring),
    whole or not at all."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4:
        raise DataError("an image set holds uint8 images [n, C, H, W], got %s %s" % (images.dtype, images.shape))
    n, c, h, w = images.shape
    if n and (labels.min() < 0 or labels.max() > 255):
        raise DataError("labels must be 0..255 for an image set")
    out = np.zeros((n, 1 + c * h * w), dtype=np.uint8)
    out[:, 0] = labels
    out[:, 1:] = images.reshape(n, -1)
    atomic_write(path, IMAGES_MAGIC + struct.pack("<HHHH", c, h, w, 0) + out.tobytes())


def read_cifar_python(path):
    try:
        with open(path, "rb") as f:
            d = pickle.load(f, encoding="bytes")
        data = np.asarray(d[b"data"], dtype=np.uint8)
        labels = np.asarray(d[b"fine_labels"], dtype=np.int64)
    except (pickle.UnpicklingError, KeyError, EOFError, TypeError) as e:
        raise DataError("CIFAR-100 Python file %s: not a pickled dict with b'data' and b'fine_labels' (%s)"
                        % (path, e))
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise DataError("CIFAR-100 Python file %s: data of shape %s with %d labels, want [n, 3072] and n"
                        % (path, data.shape, len(labels)))
    return Split(data.reshape(-1, 3, 32, 32).copy(), labels, os.path.basename(path))


def _pixels(path):
    """An image file's pixels as uint8 [H, W, 1] (gray) or [H, W, 3] (color), read by Pillow: PNG (any bit
    depth, interlaced or not, palette, alpha dropped), PPM/PGM, and whatever else Pillow opens."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as im:
            im.load()
            gray = im.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")
            if im.mode in ("I", "I;16", "I;16B", "I;16L"):
                # 16-bit gray: its top 8 bits (Pillow's convert("L") clips instead of scaling)
                a = np.asarray(im, dtype=np.uint32) >> 8
                return a.astype(np.uint8)[:, :, None]
            a = np.asarray(im.convert("L" if gray else "RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise DataError("image %s: not an image Pillow reads (%s)" % (path, e))
    return a[:, :, None] if a.ndim == 2 else a


def read_image(path):
    """One image as uint8 [3, 32, 32]."""
    import torch
    import torch.nn.functional as F
    img = _pixels(path)
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))).to(torch.float64)[None]
    if x.shape[2:] != (32, 32):
        shrink = x.shape[2] >= 32 and x.shape[3] >= 32
        x = F.interpolate(x, size=(32, 32), mode="area" if shrink else "bilinear",
                          **({} if shrink else {"align_corners": False}))
    return x[0].round().clamp(0, 255).to(torch.uint8).numpy()


def _class_folder(root):
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    if not classes or len(classes) > 100:
        raise DataError("image folder %s: %d class subfolders; valid: 1 to 100 (one per class)" % (root, len(classes)))
    images, labels = [], []
    for label, c in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(root, c))):
            if f.lower().endswith(IMAGE_SUFFIXES):
                images.append(read_image(os.path.join(root, c, f)))
                labels.append(label)
    if not images:
        raise DataError("image folder %s: no images (%s) in its class subfolders" % (root, ", ".join(IMAGE_SUFFIXES)))
    return np.stack(images), np.asarray(labels, dtype=np.int64), classes


def load(data, seed=0, native=False):
    """(train, test) splits of `digits` or of a folder (CIFAR-100 binary, CIFAR-100 Python, images);
    `native`: the digits at their own 1x8x8 (the other sets have no other size than 3x32x32)."""
    if data == "digits":
        return digits(seed, native)
    if not os.path.isdir(data):
        raise DataError("data '%s' is neither 'digits' nor a folder; valid: digits, a CIFAR-100 folder (train.bin "
                        "and test.bin, or the Python version's train and test), or a folder of class subfolders of "
                        "images" % data)
    j = lambda *p: os.path.join(data, *p)  # noqa: E731
    if os.path.isfile(j("train.bin")) and os.path.isfile(j("test.bin")):
        return read_cifar_binary(j("train.bin")), read_cifar_binary(j("test.bin"))
    if os.path.isfile(j("train")) and os.path.isfile(j("test")):
        return read_cifar_python(j("train")), read_cifar_python(j("test"))
    if os.path.isdir(j("train")) and os.path.isdir(j("test")):
        tri, trl, trc = _class_folder(j("train"))
        tei, tel, tec = _class_folder(j("test"))
        if trc != tec:
            raise DataError("image folder %s: train/ and test/ have different class subfolders" % data)
        return Split(tri, trl, "train/"), Split(tei, tel, "test/")
    images, labels, _ = _class_folder(data)
    return _split(images, labels, seed, os.path.basename(os.path.normpath(data)))


_DTYPES = {"float32": "F32", "float64": "F64", "int64": "I64", "int32": "I32"}


def safetensors_bytes(tensors, metadata=None):
    """The safetensors layout with a fixed byte order (the Rust writer orders metadata by a
    randomized hash map): names sorted, metadata keys sorted, the header padded with spaces to 8
    bytes, as org.odegen.net.SafeTensors.write does."""
    import json
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(metadata[k]) for k in sorted(metadata)}
    for name in sorted(tensors):
        a = tensors[name].detach().cpu().contiguous().numpy()
        dtype = _DTYPES.get(str(a.dtype))
        if dtype is None:
            raise ValueError("tensor %s of dtype %s; valid: %s" % (name, a.dtype, ", ".join(_DTYPES)))
        b = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def atomic_write(path, payload):
    """Writes bytes whole or not at all (a temporary file beside it, then a rename)."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.tmp%d" % (os.path.basename(path), os.getpid()))
    try:
        with open(tmp, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
