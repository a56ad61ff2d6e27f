"""cocotb 2.x test bench of a generated ODEBlock, with cocotbext-axi's AXI models.

What testbench/harness.cpp does, under a real simulator: the block driven as the PS and its DMA would
(AXI4-Lite registers; parameters and z_0 on s_axis with random gaps; z_M from m_axis with random
back-pressure), every output word compared with the golden vectors of ../vectors (written by the
Java golden model), the first differing one named by channel, y and x. Run it with `make` here
(Icarus by default); COCOTB_RANDOM_SEED (make SEED=n) picks the gaps.
"""

import os

import cocotb
from cocotb.triggers import ClockCycles

import odeblock
import odegen_regs as regs
from odegen_cocotb.axi import Registers, WordSink, WordSource, reset, seeded, start_clock
from odegen_cocotb.vectors import first_difference, read_cases

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "vectors")
PERIOD_NS = 10
DONE, LOADED, ERROR = regs.STATUS_DONE, regs.STATUS_LOADED, regs.STATUS_ERROR
START, LOAD = regs.CTRL_START, regs.CTRL_LOAD


class OdeBlockTB:
    """Clock, reset and the three AXI models of the block under test."""

    def __init__(self, dut, gaps=True):
        self.dut = dut
        seed = cocotb.RANDOM_SEED
        # the models see resetn low from the start, so they drive their outputs idle before the first edge
        dut.resetn.value = 0
        self.regs = Registers(dut, "s_axi_ctrl", dut.clk, dut.resetn, regs.REGISTERS)
        self.source = WordSource(dut, "s_axis", dut.clk, dut.resetn, seeded(seed, "s_axis") if gaps else None)
        self.sink = WordSink(dut, "m_axis", dut.clk, dut.resetn, PERIOD_NS,
                             seeded(seed, "m_axis") if gaps else None)

    async def start(self):
        start_clock(self.dut.clk, PERIOD_NS)
        await reset(self.dut.clk, self.dut.resetn)
        for name in ("CONFIG", "WIDTH"):
            got = await self.regs.read(name)
            assert got == regs.VALUES[name], "%s reads 0x%08x, the folder was generated for 0x%08x" % (
                name, got, regs.VALUES[name])

    async def status(self):
        return await self.regs.read("STATUS") & (regs.STATUS_BUSY | DONE | LOADED | ERROR)

    async def load(self, params):
        await self.regs.write("CTRL", LOAD)
        await self.source.send(params)
        await ClockCycles(self.dut.clk, 4)
        # progress, with the simulated time: a full-size block runs for minutes to hours under Icarus
        self.dut._log.info("%d parameter words sent", len(params))

    async def run(self, z0, steps, h, t0):
        """One run: returns (z_M, CYCLES)."""
        await self.regs.write("STEPS", steps)
        await self.regs.write("STEP_SIZE", h)
        await self.regs.write("T0", t0)
        await self.regs.write("CTRL", START)
        await self.source.send(z0)
        self.dut._log.info("z_0 sent (%d words), %d Euler step(s) of %d cycles to go", len(z0), steps,
                           odeblock.CYCLES_PER_STEP)
        # generous: the schedule's cycles, and every output word stalled a few times
        out = await self.sink.receive(2 * steps * odeblock.CYCLES_PER_STEP + 16 * len(z0) + 10000)
        await ClockCycles(self.dut.clk, 2)
        return out, await self.regs.read("CYCLES")


async def check_case(tb, case):
    """Loads the case's parameters, runs it, and compares every word of z_M with its golden vector."""
    assert len(case.params) == odeblock.PARAM_WORDS and len(case.z0) == odeblock.FEATURE_WORDS \
        and len(case.expected) == odeblock.FEATURE_WORDS, "%s: word counts do not match the block" % case.name
    await tb.load(case.params)
    status = await tb.status()
    # DONE of an earlier run stays until the next START
    assert status & ~DONE == LOADED, "%s: STATUS after the parameter load is 0x%x, not LOADED" % (case.name, status)
    out, cycles = await tb.run(case.z0, case.steps, case.h, case.t0)
    assert len(out) == odeblock.FEATURE_WORDS, "%s: tlast after %d words, not on word %d (the last)" % (
        case.name, len(out), odeblock.FEATURE_WORDS)
    bad = first_difference(out, case.expected, odeblock.HEIGHT, odeblock.WIDTH)
    assert bad is None, "%s: FAIL after %d Euler step(s): %s" % (case.name, case.steps, bad)
    status = await tb.status()
    assert status == DONE | LOADED, "%s: STATUS after the run is 0x%x, not DONE|LOADED" % (case.name, status)
    # CYCLES counts from the START write to the last word taken, so it holds at least the schedule's steps
    assert cycles >= case.steps * odeblock.CYCLES_PER_STEP, "%s: CYCLES %d, under %d Euler steps of %d" % (
        case.name, cycles, case.steps, odeblock.CYCLES_PER_STEP)
    tb.dut._log.info("%s: PASS, %d words bit-exact, %d Euler step(s), CYCLES %d", case.name, len(out), case.steps,
                     cycles)


@cocotb.test()
async def start_before_load(dut):
    """A START before any LOAD sets ERROR, and the block takes no input and hangs nothing."""
    tb = OdeBlockTB(dut)
    await tb.start()
    await tb.regs.write("CTRL", START)
    await ClockCycles(dut.clk, 2)
    status = await tb.status()
    assert status == ERROR, "STATUS after START before LOAD is 0x%x, not ERROR" % status
    assert not dut.s_axis_tready.value and not dut.m_axis_tvalid.value, "START before LOAD moved a stream"


@cocotb.test()
async def random_and_saturate(dut):
    """Every case of ../vectors/cases.txt (random, then saturate with a parameter reload), gaps and back-pressure."""
    tb = OdeBlockTB(dut)
    await tb.start()
    cases = read_cases(VECTORS)
    assert [c.name for c in cases] == ["random", "saturate"], "cases.txt lists %s" % [c.name for c in cases]
    for case in cases:
        await check_case(tb, case)
