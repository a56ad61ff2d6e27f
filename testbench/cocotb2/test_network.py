"""cocotb 2.x test bench of a generated network engine (NETWORK.md), with cocotbext-axi's AXI models.

The engine is driven as the PS, its DMA and DDR would: AXI4-Lite registers (AxiLiteMaster), the image on
s_axis with random gaps (AxiStreamSource), the logits from m_axis with random back-pressure
(AxiStreamSink), and the parameter blob of ../vectors/blob.hex in an AxiRamRead behind the m_axi read
master, with random arready and rvalid gaps. What the registers must read comes from ../../manifest.json
and ../vectors/network.txt, the expected logits from ../vectors/logits.hex (the Java golden model).

The fast tests (registers, errors, the image's handshakes) take seconds. One whole image is millions of
cycles, a quarter of an hour of CPU or more under Icarus, so `whole_image` is a test only when
ODEGEN_FULL=1 (`make FULL=1`); the Verilator harness in .. runs the same image in seconds.
"""

import json
import os
import struct
import time

import cocotb
from cocotb.triggers import ClockCycles, SimTimeoutError, Timer, with_timeout
from cocotbext.axi import AxiRamRead, AxiReadBus

import odegen_regs as regs
from odegen_cocotb.axi import Registers, WordSink, WordSource, pauses, quiet, reset, seeded, start_clock
from odegen_cocotb.vectors import read_hex

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, os.pardir, "vectors")
PERIOD_NS = 10
# where the blob lies in the modelled DDR: 64-byte aligned as NETWORK.md asks (the C++ harness's address)
BLOB_BASE = 0x10000000
START, LOAD = regs.CTRL_START, regs.CTRL_LOAD
BUSY, DONE, LOADED, ERROR = regs.STATUS_BUSY, regs.STATUS_DONE, regs.STATUS_LOADED, regs.STATUS_ERROR
# the build registers' fields: name -> (register, lowest bit, width)
FIELDS = dict((f, (r, lsb, width)) for r, f, lsb, width in regs.FIELDS if r in ("CONFIG", "WIDTH"))
FULL = os.environ.get("ODEGEN_FULL", "0") == "1"


def read_folder():
    """(manifest.json, network.txt's facts) of the folder this bench sits in."""
    with open(os.path.join(HERE, os.pardir, os.pardir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    facts = {}
    with open(os.path.join(VECTORS, "network.txt"), encoding="ascii") as f:
        for line in f:
            if line.strip():
                key, value = line.split(None, 1)
                facts[key] = value.strip()
    return manifest, facts


def status_text(status):
    return "0x%x (%s)" % (status, " ".join(n for n, b in (("BUSY", BUSY), ("DONE", DONE), ("LOADED", LOADED),
                                                          ("ERROR", ERROR)) if status & b) or "none")


def first_wrong_logit(got, expected):
    """None when every logit equals its golden value; otherwise a message naming the first that differs."""
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            return "first wrong logit %d: got %08x (%d), golden %08x (%d)" % (
                i, g, struct.unpack("<i", struct.pack("<I", g))[0], e, struct.unpack("<i", struct.pack("<I", e))[0])
    if len(got) != len(expected):
        return "%d logits (tlast), golden %d" % (len(got), len(expected))
    return None


class BlobRam(AxiRamRead):
    """The DDR behind m_axi: cocotbext-axi's AxiRamRead holding the blob at BLOB_BASE.

    It counts the beats it serves, marks which beats of the blob were read, and keeps the first address
    outside the blob (the C++ harness fails on one; here the test asserts on it, as a read returns data
    either way). Random arready drops and rvalid gaps stand for DDR latency; their pause generators wake
    Python every cycle, which the whole image pays for, as a real memory's latency must be covered.
    """

    def __init__(self, dut, clock, resetn, blob, rng=None):
        quiet(dut, "m_axi")
        super().__init__(AxiReadBus.from_prefix(dut, "m_axi"), clock, resetn, reset_active_level=False, size=2 ** 32)
        self.write(BLOB_BASE, struct.pack("<%dI" % len(blob), *blob))
        self.end = BLOB_BASE + 4 * len(blob)
        self.read_beats = bytearray((len(blob) + 1) // 2)
        self.beats = 0
        self.first = None
        self.outside = None
        self.fail_at = None  # the beat (counted from 0) answered SLVERR: cocotbext-axi answers a failed _read so
        if rng is not None:
            self.ar_channel.set_pause_generator(pauses(rng, 4))
            self.r_channel.set_pause_generator(pauses(rng, 4))

    async def _read(self, address, length):
        if self.first is None:
            self.first = address
        if address < BLOB_BASE or address >= self.end:
            if self.outside is None:
                self.outside = address
        else:
            self.read_beats[(address - BLOB_BASE) // 8] = 1
        self.beats += 1
        if self.fail_at is not None and self.beats - 1 == self.fail_at:
            raise IOError("the DDR model's read error at 0x%08x" % address)
        return await super()._read(address, length)


class EngineTB:
    """Clock, reset, the registers, both streams and the blob's memory of the engine under test."""

    def __init__(self, dut, gaps=True):
        self.dut = dut
        self.manifest, self.facts = read_folder()
        self.blob = read_hex(os.path.join(VECTORS, "blob.hex"))
        seed = cocotb.RANDOM_SEED
        # the models see resetn low from the start, so they drive their outputs idle before the first edge
        dut.resetn.value = 0
        self.regs = Registers(dut, "s_axi_ctrl", dut.clk, dut.resetn, regs.REGISTERS)
        self.source = WordSource(dut, "s_axis", dut.clk, dut.resetn, seeded(seed, "s_axis") if gaps else None)
        self.sink = WordSink(dut, "m_axis", dut.clk, dut.resetn, PERIOD_NS, seeded(seed, "m_axis") if gaps else None)
        self.ram = BlobRam(dut, dut.clk, dut.resetn, self.blob, seeded(seed, "m_axi") if gaps else None)

    async def start(self):
        start_clock(self.dut.clk, PERIOD_NS)
        await reset(self.dut.clk, self.dut.resetn)

    async def status(self):
        return await self.regs.read("STATUS") & (BUSY | DONE | LOADED | ERROR)

    async def load(self):
        """WEIGHTS_ADDR and LOAD; waits for LOADED without BUSY. This engine is LOADED at once (it reads the blob
        during every run); one that keeps the parameters on chip reads them first (NETWORK.md allows both)."""
        await self.regs.write("WEIGHTS_ADDR", BLOB_BASE)
        await self.regs.write("CTRL", LOAD)
        status = await self.status()
        # a status read every 256 cycles, and a bound of 64 cycles a blob word (the C++ harness's)
        for _ in range(len(self.blob) // 4 + 16):
            if not status & BUSY:
                break
            await Timer(256 * PERIOD_NS, "ns")
            status = await self.status()
        assert status == LOADED, "STATUS after LOAD at 0x%08x is %s, not LOADED" % (BLOB_BASE, status_text(status))

    async def send_image(self, image):
        """START, then the image with tlast on its last word; fails if the engine does not take it all."""
        await self.regs.write("CTRL", START)
        try:
            # the engine takes the image before it computes: a word a cycle, and the gaps
            await with_timeout(self.source.send(image), 4 * len(image) * PERIOD_NS, "ns")
        except SimTimeoutError:
            raise AssertionError("the engine took the image's words too slowly or not all (%d cycles)"
                                 % (4 * len(image))) from None
        self.dut._log.info("image sent (%d words)", len(image))

    def field(self, name, config, width):
        return regs.get(config if FIELDS[name][0] == "CONFIG" else width, FIELDS[name][0], name)


@cocotb.test()
async def start_before_load(dut):
    """A START before any LOAD sets ERROR only; no stream moves and nothing is read from m_axi."""
    tb = EngineTB(dut)
    await tb.start()
    await tb.regs.write("CTRL", START)
    await ClockCycles(dut.clk, 4)
    status = await tb.status()
    assert status == ERROR, "STATUS after START before LOAD is %s, not ERROR only" % status_text(status)
    assert not dut.s_axis_tready.value and not dut.m_axis_tvalid.value, "START before LOAD moved a stream"
    assert not dut.m_axi_arvalid.value and tb.ram.beats == 0, "START before LOAD read m_axi"


@cocotb.test()
async def misaligned_load(dut):
    """LOAD with WEIGHTS_ADDR not 64-byte aligned sets ERROR, not LOADED; an aligned LOAD then clears ERROR."""
    tb = EngineTB(dut)
    await tb.start()
    for addr in (BLOB_BASE + 4, BLOB_BASE + 32):
        await tb.regs.write("WEIGHTS_ADDR", addr)
        back = await tb.regs.read("WEIGHTS_ADDR")
        assert back == addr, "WEIGHTS_ADDR reads back 0x%08x after a write of 0x%08x" % (back, addr)
        await tb.regs.write("CTRL", LOAD)
        status = await tb.status()
        assert status == ERROR, "STATUS after LOAD at 0x%08x (not 64-byte aligned) is %s, not ERROR only" % (
            addr, status_text(status))
    await tb.load()


@cocotb.test()
async def build_registers(dut):
    """CONFIG's and WIDTH's fields read what ../vectors/network.txt says, WEIGHTS_WORDS what manifest.json says."""
    tb = EngineTB(dut)
    await tb.start()
    config, width = await tb.regs.read("CONFIG"), await tb.regs.read("WIDTH")
    checked = []
    for name, (reg, _, _) in FIELDS.items():
        if name in tb.facts:
            got = tb.field(name, config, width)
            assert got == int(tb.facts[name]), "%s.%s reads %d, ../vectors/network.txt says %s" % (
                reg, name, got, tb.facts[name])
            checked.append(name)
    # network.txt has every field but where a test writes vectors of its own (NetworkTestbenchWriter)
    assert checked == list(FIELDS), "network.txt lacks %s" % sorted(set(FIELDS) - set(checked))
    params = tb.manifest["params"]
    assert tb.field("lanes", config, width) == params["lanes"], "CONFIG.lanes is not manifest.json's lanes"
    assert tb.field("width", config, width) == params["dataWidth"], "WIDTH.width is not manifest.json's dataWidth"
    words = await tb.regs.read("WEIGHTS_WORDS")
    assert words == params["blobWords"], "WEIGHTS_WORDS reads %d, manifest.json's blobWords is %d" % (
        words, params["blobWords"])
    assert words == len(tb.blob), "WEIGHTS_WORDS reads %d, ../vectors/blob.hex has %d words" % (words, len(tb.blob))
    dut._log.info("CONFIG 0x%08x, WIDTH 0x%08x, WEIGHTS_WORDS %d: as the folder says (%s)", config, width, words,
                  ", ".join("%s %s" % (n, tb.facts[n]) for n in checked))


@cocotb.test()
async def image_stream(dut):
    """LOAD, START and the whole image in with random gaps (the engine takes every word, tlast on the last),
    the blob read from WEIGHTS_ADDR meanwhile under random arready/rvalid gaps; then a START while BUSY sets
    ERROR and leaves the run going. No logit is due yet: the first comes after millions of cycles."""
    tb = EngineTB(dut)
    await tb.start()
    await tb.load()
    image = read_hex(os.path.join(VECTORS, "image.hex"))
    assert len(image) == tb.manifest["params"]["imageWords"], "image.hex is not manifest.json's imageWords"
    await tb.send_image(image)
    await ClockCycles(dut.clk, 2)
    status = await tb.status()
    assert status == BUSY | LOADED, "STATUS after the image is %s, not BUSY|LOADED (a tlast error?)" % status_text(
        status)
    assert not dut.s_axis_tready.value, "the engine still takes words after the image's tlast"
    assert tb.ram.first == BLOB_BASE, "the first m_axi read is at 0x%08x, not WEIGHTS_ADDR 0x%08x" % (
        tb.ram.first or 0, BLOB_BASE)
    assert tb.ram.outside is None, "m_axi read 0x%08x, outside the blob" % tb.ram.outside
    assert tb.ram.beats > 0, "no m_axi beat read while the image came in"
    await tb.regs.write("CTRL", START)
    status = await tb.status()
    assert status == BUSY | LOADED | ERROR, "STATUS after START while BUSY is %s, not BUSY|LOADED|ERROR" % (
        status_text(status))
    dut._log.info("image taken; %d m_axi beats read from the blob meanwhile, all inside it", tb.ram.beats)


@cocotb.test()
async def ddr_read_error(dut):
    """A DDR read error (SLVERR on the blob's 200th beat read in the run) ends the run: DONE and ERROR, BUSY low,
    no logit; the engine takes the rest of the bursts it asked for and hangs nothing (the fault table)."""
    tb = EngineTB(dut)
    await tb.start()
    await tb.load()
    tb.ram.beats = 0
    tb.ram.fail_at = 200
    image = read_hex(os.path.join(VECTORS, "image.hex"))
    await tb.regs.write("CTRL", START)
    sending = cocotb.start_soon(tb.source.send(image))  # the engine may stop taking it when the error comes
    status = await tb.status()
    for _ in range(400):
        if not status & BUSY:
            break
        await Timer(256 * PERIOD_NS, "ns")
        status = await tb.status()
    sending.cancel()
    assert tb.ram.beats > 200, "the error beat was never read (%d beats)" % tb.ram.beats
    assert status == DONE | ERROR | LOADED, "STATUS after a DDR read error is %s, not DONE|ERROR|LOADED" % (
        status_text(status))
    assert not dut.m_axis_tvalid.value, "a logit after a DDR read error"
    dut._log.info("DDR read error on beat 200: DONE ERROR, BUSY low, no logit (%d beats read)", tb.ram.beats)


async def progress(dut, every_cycles):
    """Logs the cycles simulated and the simulator's speed every `every_cycles`: a whole image runs for a quarter
    of an hour or more under Icarus. One timer a report, so it costs the simulation nothing between reports. The speed is given
    per second of wall time and per second of this process's CPU time (the simulator and Python together),
    which a shared machine's load does not change."""
    cycles, wall, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        await Timer(every_cycles * PERIOD_NS, "ns")
        cycles += every_cycles
        now, now_cpu = time.perf_counter(), time.process_time()
        dut._log.info("%d cycles since the image; the last %d at %.0f cycles/s (wall), %.0f cycles per CPU second",
                      cycles, every_cycles, every_cycles / (now - wall), every_cycles / max(now_cpu - cpu, 1e-9))
        wall, cpu = now, now_cpu


async def whole_image(dut):
    """One image: every logit compared with ../vectors/logits.hex, CYCLES reported and held to the schedule
    (manifest.json's estimatedCycles), every beat of the blob read, STATUS DONE|LOADED at the end."""
    tb = EngineTB(dut)
    await tb.start()
    await tb.load()
    schedule = tb.manifest["estimatedCycles"]
    expected = read_hex(os.path.join(VECTORS, "logits.hex"))
    assert len(expected) == tb.manifest["params"]["logits"], "logits.hex is not manifest.json's logits"
    await tb.send_image(read_hex(os.path.join(VECTORS, "image.hex")))
    dut._log.info("%d cycles to go by the schedule", schedule)
    reporter = cocotb.start_soon(progress(dut, int(os.environ.get("ODEGEN_PROGRESS", "100000"))))
    # generous: the schedule (DDR gaps cost little: the reader runs a slot ahead), and every logit stalled
    got = await tb.sink.receive(2 * schedule + 100000)
    reporter.cancel()
    await ClockCycles(dut.clk, 2)
    bad = first_wrong_logit(got, expected)
    assert bad is None, "FAIL: %s" % bad
    status = await tb.status()
    assert status == DONE | LOADED, "STATUS after the logits is %s, not DONE|LOADED" % status_text(status)
    cycles = await tb.regs.read("CYCLES")
    # CYCLES counts from the START write to the last logit taken: the schedule, and what gaps add
    assert cycles >= schedule, "CYCLES %d, under the schedule's %d" % (cycles, schedule)
    unread = tb.ram.read_beats.count(0)
    assert unread == 0, "%d beats of the blob never read over m_axi" % unread
    assert tb.ram.outside is None, "m_axi read 0x%08x, outside the blob" % tb.ram.outside
    dut._log.info("whole image: PASS, %d logits bit-exact, CYCLES %d (schedule %d), %d m_axi beats", len(got),
                  cycles, schedule, tb.ram.beats)


if FULL:
    whole_image = cocotb.test()(whole_image)
