"""cocotbext-axi's models on ODEGen's ports: an AXI4-Lite register master, an AXI4-Stream source and sink.

Every stream beat is one 32-bit word (`byte_lanes=1`: ODEGen's streams have no `tkeep`), and the reset
is ODEGen's synchronous active-low `resetn`. Random gaps (source) and back-pressure (sink) come from
cocotbext-axi's pause generators; they run only while words move, because a pause generator wakes
Python every clock cycle, and a block that computes for 300,000 cycles between its streams would pay
that for nothing.
"""

import logging
import random
import warnings

from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, SimTimeoutError, with_timeout
from cocotbext.axi import (AxiLiteBus, AxiLiteMaster, AxiResp, AxiStreamBus, AxiStreamFrame, AxiStreamSink,
                           AxiStreamSource)

MASK = 0xFFFFFFFF

# cocotbext-axi 0.1.28 still calls what cocotb 2.x deprecates (task.kill(), setimmediatevalue, Edge,
# Event.data), one warning a call: those calls are cocotbext-axi's to change, and they still work.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"cocotbext\.axi")


def quiet(dut, prefix):
    """The model on `prefix` will log only warnings: at INFO, cocotbext-axi prints its banner and every
    frame whole (74,880 words of a layer3_2 load). Its logger is named after the top and the prefix."""
    logging.getLogger("cocotb.%s.%s" % (dut._name, prefix)).setLevel(logging.WARNING)


def start_clock(clock, period_ns):
    """Starts a free-running clock of `period_ns` on `clock` (cancelled with the test that started it)."""
    Clock(clock, period_ns, unit="ns").start()


async def reset(clock, resetn, cycles=4):
    """Holds the synchronous active-low `resetn` low for `cycles` rising edges, then lets go."""
    resetn.value = 0
    await ClockCycles(clock, cycles)
    resetn.value = 1
    await ClockCycles(clock, 2)


def pauses(rng, one_in):
    """An endless pause pattern for a pause generator: each cycle paused with probability 1/one_in."""
    while True:
        yield rng.randrange(one_in) == 0


class Registers:
    """Named 32-bit registers behind an AXI4-Lite slave; `addresses` maps each name to its byte offset."""

    def __init__(self, dut, prefix, clock, resetn, addresses):
        quiet(dut, prefix)
        self.master = AxiLiteMaster(AxiLiteBus.from_prefix(dut, prefix), clock, resetn, reset_active_level=False)
        self.addresses = dict(addresses)

    async def write(self, name, value):
        resp = await self.master.write(self.addresses[name], (value & MASK).to_bytes(4, "little"))
        assert resp.resp == AxiResp.OKAY, "write of %s: response %s" % (name, resp.resp)

    async def read(self, name):
        resp = await self.master.read(self.addresses[name], 4)
        assert resp.resp == AxiResp.OKAY, "read of %s: response %s" % (name, resp.resp)
        return int.from_bytes(resp.data, "little")


class WordSource:
    """An AXI4-Stream master of 32-bit words (`tlast` on a frame's last word) with random gaps."""

    def __init__(self, dut, prefix, clock, resetn, rng=None, gap_one_in=8):
        quiet(dut, prefix)
        self.source = AxiStreamSource(AxiStreamBus.from_prefix(dut, prefix), clock, resetn,
                                      reset_active_level=False, byte_lanes=1)
        self.rng = rng
        self.gap_one_in = gap_one_in

    async def send(self, words):
        """Sends `words` as one frame and returns when the slave has taken the last one."""
        if self.rng is not None:
            self.source.set_pause_generator(pauses(self.rng, self.gap_one_in))
        await self.source.send(AxiStreamFrame([w & MASK for w in words]))
        await self.source.wait()
        self.source.clear_pause_generator()
        self.source.pause = False


class WordSink:
    """An AXI4-Stream slave of 32-bit words with random back-pressure.

    It holds `tready` low until `receive` is called and the first word is offered, so a valid word must
    wait (AXI4-Stream: held until taken) and nothing runs in Python while the block computes.
    """

    def __init__(self, dut, prefix, clock, resetn, period_ns, rng=None, stall_one_in=4):
        quiet(dut, prefix)
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, prefix), clock, resetn,
                                  reset_active_level=False, byte_lanes=1)
        self.sink.pause = True
        self.period_ns = period_ns
        self.rng = rng
        self.stall_one_in = stall_one_in

    async def receive(self, timeout_cycles):
        """The words of the next frame (up to `tlast`); fails after `timeout_cycles` without one."""
        tvalid = self.sink.bus.tvalid
        try:
            if not tvalid.value:
                await with_timeout(RisingEdge(tvalid), timeout_cycles * self.period_ns, "ns")
            if self.rng is not None:
                self.sink.set_pause_generator(pauses(self.rng, self.stall_one_in))
            else:
                self.sink.pause = False
            frame = await with_timeout(self.sink.recv(), timeout_cycles * self.period_ns, "ns")
        except SimTimeoutError:
            raise AssertionError("no complete frame (up to tlast) within %d cycles" % timeout_cycles) from None
        finally:
            self.sink.clear_pause_generator()
            self.sink.pause = True
        return [w & MASK for w in frame.tdata]


def seeded(seed, stream):
    """A random generator for one stream's gaps, from the test's seed and the stream's name."""
    return random.Random("%d/%s" % (seed, stream))
