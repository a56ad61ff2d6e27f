"""A stand-in for PYNQ (Overlay, allocate, the IP's MMIO read/write, the AXI DMA's channels) behind which a
network engine of NETWORK.md runs as the golden model, so that the generated driver (odegen_network.py) can
be tested off the board through the same register and buffer calls it makes on the board.

The engine's registers behave as NETWORK.md says: LOAD reads WEIGHTS_WORDS words at WEIGHTS_ADDR out of
the allocated buffers, START with the image on the DMA's send channel runs the engine, whose logits land
in the buffer of the receive channel. The engine itself is a command (env FAKE_ENGINE, a JSON list) given
three files: the blob, the image words (both int32 little-endian) and the logits to write; FAKE_CONFIG,
FAKE_WIDTH, FAKE_WORDS, FAKE_NETWORK_ID set what CONFIG, WIDTH, WEIGHTS_WORDS and NETWORK_ID read; FAKE_DUMP, a folder, keeps what
the engine was given (blob.bin, image<k>.bin) for the test to compare. FAKE_FAULT: "hang" (a run never ends:
BUSY stays, the DMA never finishes) or "ddr-error" (a run ends with DONE and ERROR and no logits, as the engine
answers a DDR read error).
"""
import json
import os
import subprocess
import tempfile

import numpy as np

CTRL, STATUS, CYCLES, CONFIG, WIDTH, IER, WEIGHTS_ADDR, WEIGHTS_WORDS = 0x00, 0x04, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28
NETWORK_ID = 0x2C
_buffers = {}
_next_address = [0x1000_0000]


class PynqBuffer(np.ndarray):
    def flush(self):
        pass

    def invalidate(self):
        pass


def allocate(shape, dtype):
    buf = np.zeros(shape, dtype=dtype).view(PynqBuffer)
    buf.physical_address = _next_address[0]
    _buffers[buf.physical_address] = buf
    # 4 KiB apart, as the CMA allocator's pages
    _next_address[0] += (buf.nbytes + 0xFFF) & ~0xFFF
    return buf


class _Engine:
    def __init__(self):
        self.regs = {CONFIG: int(os.environ["FAKE_CONFIG"], 0), WIDTH: int(os.environ["FAKE_WIDTH"], 0),
                     WEIGHTS_WORDS: int(os.environ["FAKE_WORDS"]), NETWORK_ID: int(os.environ["FAKE_NETWORK_ID"], 0),
                     STATUS: 0, CYCLES: 0, IER: 0, WEIGHTS_ADDR: 0}
        self.blob = None
        self.started = False
        self.image = None
        self.out = None
        self.runs = 0
        self.starts = 0
        self.queued = 0  # images handed to the send channel before their START (a driver keeping the engine busy)

    def read(self, offset):
        return self.regs[offset]

    def write(self, offset, value):
        if offset == CTRL:
            if value & 2:
                buf = _buffers.get(self.regs[WEIGHTS_ADDR])
                if buf is None or buf.nbytes < 4 * self.regs[WEIGHTS_WORDS]:
                    self.regs[STATUS] |= 8
                    return
                self.blob = buf.view(np.int32)[:self.regs[WEIGHTS_WORDS]].copy()
                self.regs[STATUS] |= 4
            if value & 1:
                if self.blob is None:
                    self.regs[STATUS] |= 8
                    return
                self.started = True
                self.regs[STATUS] = (self.regs[STATUS] & ~2) | 1
                self.starts += 1
                self.stream()  # an image already queued on the DMA flows in at START
        elif offset in (IER, WEIGHTS_ADDR):
            self.regs[offset] = value
        else:
            raise ValueError("register 0x%x is read-only" % offset)

    def stream(self):
        if not (self.started and self.image is not None and self.out is not None):
            return
        fault = os.environ.get("FAKE_FAULT", "")
        if fault == "hang":
            return
        if fault == "ddr-error":
            self.started, self.image = False, None
            self.regs[STATUS] = (self.regs[STATUS] & ~1) | 2 | 8
            return
        dump = os.environ.get("FAKE_DUMP")
        with tempfile.TemporaryDirectory() as tmp:
            files = [os.path.join(tmp, n) for n in ("blob.bin", "image.bin", "logits.bin")]
            self.blob.astype("<i4").tofile(files[0])
            self.image.astype("<i4").tofile(files[1])
            if dump:
                self.blob.astype("<i4").tofile(os.path.join(dump, "blob.bin"))
                self.image.astype("<i4").tofile(os.path.join(dump, "image%d.bin" % self.runs))
            r = subprocess.run(json.loads(os.environ["FAKE_ENGINE"]) + files, capture_output=True, text=True)
            if r.returncode:
                raise RuntimeError("the fake engine failed: " + r.stdout + r.stderr)
            logits = np.fromfile(files[2], dtype="<i4")
        self.out[:logits.size] = logits
        self.runs += 1
        self.started, self.image, self.out = False, None, None
        self.regs[STATUS] = (self.regs[STATUS] & ~1) | 2
        self.regs[CYCLES] = 12345


class _Channel:
    def __init__(self, engine, send):
        self.engine = engine
        self.send = send

    def transfer(self, buf):
        if not self.idle:
            raise RuntimeError("DMA channel is not idle (pynq: a transfer while one is going on)")
        if self.send:
            if not self.engine.started:
                self.engine.queued += 1
            self.engine.image = np.array(buf, dtype=np.int32)
        else:
            self.engine.out = buf
        self.engine.stream()

    def wait(self):
        if not self.idle:
            raise RuntimeError("the fake DMA would wait forever here (pynq's wait() has no time limit)")

    @property
    def idle(self):
        # done once the engine has taken the image (send) or written the logits (receive)
        return (self.engine.image is None) if self.send else (self.engine.out is None)


class _Dma:
    def __init__(self, engine):
        self.sendchannel = _Channel(engine, True)
        self.recvchannel = _Channel(engine, False)


class Overlay:
    def __init__(self, bitfile):
        self.bitfile = bitfile
        self.ode = _Engine()
        self.dma = _Dma(self.ode)
