"""Data sets, all as uint8 images [n, 3, 32, 32] and labels 0..99, read from files the user has
(no download at run time):

- `digits`: scikit-learn's 8x8 digits (shipped with the package), 0..16 scaled to 0..255,
  each pixel a 4x4 square, the gray copied to three channels; a seeded 80/20 split; or, for a
  network described at 8x8 (`load(..., native=True)`), the native 1x8x8 images of the same split;
- a CIFAR-100 folder: the binary version (train.bin, test.bin) or the Python version
  (train, test: pickled dicts with b'data' and b'fine_labels');
- a folder of images: one subfolder per class (at most 100; sorted names give labels 0, 1, ...),
  either under train/ and test/ or all together (then a seeded 80/20 split); PNG (8-bit,
  not interlaced) or PPM/PGM (binary), each image resized to 32x32 (area/bilinear).

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
import zlib

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


def _png(path):
    with open(path, "rb") as f:
        b = f.read()
    if b[:8] != b"\x89PNG\r\n\x1a\n":
        raise DataError("image %s: not a PNG file" % path)
    pos, idat, hdr = 8, [], None
    while pos < len(b):
        length, kind = struct.unpack(">I4s", b[pos:pos + 8])
        chunk = b[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if hdr is None:
        raise DataError("image %s: PNG without IHDR" % path)
    w, h, depth, ctype, _, _, interlace = hdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise DataError("image %s: PNG of bit depth %d, color type %d, interlace %d; valid: 8-bit gray, gray+alpha, "
                        "RGB or RGBA, not interlaced (convert it, e.g. to PPM)" % (path, depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = w * channels
    img = np.zeros((h, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for x in range(stride):
            a = cur[x - channels] if x >= channels else 0
            c = prev[x - channels] if x >= channels else 0
            up = prev[x]
            if ft == 0:
                p = 0
            elif ft == 1:
                p = a
            elif ft == 2:
                p = up
            elif ft == 3:
                p = (a + up) // 2
            else:
                pa, pb, pc = abs(up - c), abs(a - c), abs(a + up - 2 * c)
                p = a if pa <= pb and pa <= pc else up if pb <= pc else c
            cur[x] = (line[x] + p) & 0xFF
        img[y] = cur
        prev = cur
    img = img.reshape(h, w, channels)[:, :, :3 if channels >= 3 else 1]
    return img.astype(np.uint8)


def _pnm(path):
    with open(path, "rb") as f:
        b = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(b) and b[pos:pos + 1].isspace():
            pos += 1
        if b[pos:pos + 1] == b"#":
            while pos < len(b) and b[pos:pos + 1] != b"\n":
                pos += 1
            continue
        start = pos
        while pos < len(b) and not b[pos:pos + 1].isspace():
            pos += 1
        fields.append(b[start:pos])
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic not in (b"P5", b"P6") or maxval != 255:
        raise DataError("image %s: netpbm %s with maxval %d; valid: binary P5 (PGM) or P6 (PPM), maxval 255"
                        % (path, magic.decode(errors="replace"), maxval))
    ch = 3 if magic == b"P6" else 1
    data = np.frombuffer(b, dtype=np.uint8, count=w * h * ch, offset=pos + 1)
    return data.reshape(h, w, ch)


def read_image(path):
    """One image as uint8 [3, 32, 32]."""
    import torch
    import torch.nn.functional as F
    img = _png(path) if path.lower().endswith(".png") else _pnm(path)
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
