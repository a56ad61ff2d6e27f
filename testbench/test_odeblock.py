"""A cocotb-style test bench for the generated ODEBlock: what harness.cpp does, in Python.

Run it with `./odegen cocotb testbench/test_odeblock.py --layer layer3_2 --lanes 16` (any
configuration `generate` takes). It drives the block as the PS and its DMA would and compares
every output word with the Java golden model, called from here.
"""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

from odegen.axi import AxiLiteMaster, StreamSink, StreamSource
from odegen.golden import Block, rng

# the block's register map (INTERFACE.md), written from the one source the RTL decodes (RegisterMap.scala)
from odegen_regs import CTRL, STATUS, STEPS, STEP_SIZE, T0, CYCLES, CONFIG, WIDTH, CTRL_START, CTRL_LOAD
from odegen_regs import STATUS_BUSY as BUSY, STATUS_DONE as DONE, STATUS_LOADED as LOADED, STATUS_ERROR as ERROR


class OdeBlockTB(object):
    """Clock, reset, the three AXI drivers and the golden model of the block under test."""

    def __init__(self, dut, seed, gaps=True):
        self.dut = dut
        r = rng(seed) if gaps else None
        self.ctrl = AxiLiteMaster(dut)
        self.source = StreamSource(dut, rng=r)
        self.sink = StreamSink(dut, rng=r)
        self.golden = None

    @cocotb.coroutine
    def start(self):
        cocotb.fork(Clock(self.dut.clk, 10, units='ns').start())
        self.dut.resetn.value = 0
        yield ClockCycles(self.dut.clk, 4)
        self.dut.resetn.value = 1
        yield ClockCycles(self.dut.clk, 2)
        config = yield self.ctrl.read(CONFIG)
        width = yield self.ctrl.read(WIDTH)
        self.golden = Block(config, width)
        c = self.golden.config
        self.dut._log.info('%s: C=%d, %dx%d, Q%d.%d, %s, time channel %s, %d lanes', self.dut._name, c.channels(),
                           c.height(), c.width(), c.format().width(), c.format().frac(), c.norm(),
                           c.timeChannel(), self.golden.lanes)

    @cocotb.coroutine
    def status(self):
        s = yield self.ctrl.read(STATUS)
        raise cocotb.result.ReturnValue(s & (BUSY | DONE | LOADED | ERROR))

    @cocotb.coroutine
    def load(self, params):
        yield self.ctrl.write(CTRL, CTRL_LOAD)
        yield self.source.send(list(params.toStream()))
        yield ClockCycles(self.dut.clk, 2)

    @cocotb.coroutine
    def run(self, z0, steps, h, t0):
        """One run; returns (z_M, CYCLES)."""
        yield self.ctrl.write(STEPS, steps)
        yield self.ctrl.write(STEP_SIZE, h)
        yield self.ctrl.write(T0, t0)
        yield self.ctrl.write(CTRL, CTRL_START)
        yield self.source.send(z0)
        out, last_ok = yield self.sink.receive(len(z0))
        assert last_ok, 'tlast must be on the last output word only'
        yield ClockCycles(self.dut.clk, 2)
        cycles = yield self.ctrl.read(CYCLES)
        raise cocotb.result.ReturnValue((out, cycles))


@cocotb.coroutine
def check_case(tb, name, params, z0, steps, h, t0, expect=None):
    """Loads, runs, and compares every word of z_M with the golden model (or with `expect`)."""
    yield tb.load(params)
    status = yield tb.status()
    # DONE of an earlier run stays until the next START
    assert status & ~DONE == LOADED, '%s: STATUS after the parameter load is 0x%x, not LOADED' % (name, status)
    expected = expect if expect is not None else tb.golden.run(params, z0, steps, h, t0)
    out, cycles = yield tb.run(z0, steps, h, t0)
    for i, (got, want) in enumerate(zip(out, expected)):
        if got != want:
            c, y, x = tb.golden.where(i)
            assert False, '%s: first differing word %d (channel %d, y %d, x %d) after %d Euler steps: block %d, ' \
                          'golden %d' % (name, i, c, y, x, steps, got, want)
    status = yield tb.status()
    assert status == DONE | LOADED, '%s: STATUS after the run is 0x%x, not DONE|LOADED' % (name, status)
    tb.dut._log.info('%s: %d words bit-exact, %d Euler steps, CYCLES %d', name, len(out), steps, cycles)
    raise cocotb.result.ReturnValue(cycles)


def random_case(golden, seed):
    """Realistic weights, one zero-variance conv1 channel, 2 steps with h = 0.25 and t0 = 0.5."""
    r = rng(seed)
    params = golden.random_params(r, zero_variance_channel=True)
    z0 = golden.random_features(r, 2 * golden.format.one())
    return params, z0, 2, golden.quantize(0.25), golden.quantize(0.5)


def saturate_case(golden, seed):
    """Extreme weights and inputs, which saturate; one step with h = 1."""
    r = rng(seed + 1)
    params = golden.random_params(r, extreme=True)
    z0 = golden.random_features(r, golden.format.max())
    return params, z0, 1, golden.format.one(), 0


@cocotb.test()
def start_before_load(dut):
    """A START before any LOAD sets ERROR and runs nothing."""
    tb = OdeBlockTB(dut, cocotb.RANDOM_SEED)
    yield tb.start()
    yield tb.ctrl.write(CTRL, CTRL_START)
    yield ClockCycles(dut.clk, 2)
    status = yield tb.status()
    assert status == ERROR, 'STATUS after START before LOAD is 0x%x, not ERROR' % status


@cocotb.test()
def random_and_saturate(dut):
    """Both cases of harness.cpp, with random gaps and back-pressure, a parameter reload between them."""
    tb = OdeBlockTB(dut, cocotb.RANDOM_SEED)
    yield tb.start()
    yield check_case(tb, 'random', *random_case(tb.golden, cocotb.RANDOM_SEED))
    yield check_case(tb, 'saturate', *saturate_case(tb.golden, cocotb.RANDOM_SEED))


@cocotb.test()
def cycles_per_euler_step(dut):
    """CYCLES(2 steps) - CYCLES(1 step) without gaps: one Euler step, against the multiply-add bound."""
    tb = OdeBlockTB(dut, cocotb.RANDOM_SEED, gaps=False)
    yield tb.start()
    params, z0, _, h, t0 = random_case(tb.golden, cocotb.RANDOM_SEED)
    c1 = yield check_case(tb, 'one step', params, z0, 1, h, t0)
    c2 = yield check_case(tb, 'two steps', params, z0, 2, h, t0)
    c = tb.golden.config
    # a step of Heun or RK4 (WIDTH[9:8]) is s = 2 or 4 evaluations of the ODE function
    s = tb.golden.solver.evaluations()
    bound = s * 2 * c.height() * c.width() * c.channels() * c.cin() * 9 // tb.golden.lanes
    dut._log.info('cycles per %s step: %d (%.4fx the multiply-add bound %d)', tb.golden.solver.id(), c2 - c1,
                  float(c2 - c1) / bound, bound)
    assert c2 - c1 <= 1.10 * bound, 'one %s step takes %d cycles, over 1.10x the bound %d' % (
        tb.golden.solver.id(), c2 - c1, bound)
