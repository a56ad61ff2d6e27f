"""How fast the Python bridge runs each way of waiting, on any block (a benchmark, not a check).

    ./odegen cocotb testbench/bench_bridge.py --layer layer3_2 --lanes 16 [--plusarg cycles=200000]

Each test waits the same number of clock cycles; the table at the end gives cycles per second:
every edge in Python (`RisingEdge`), the stream drivers' pattern (a write, `ReadOnly()`, a read,
the edge), and the waits the Java side runs alone (`ClockCycles`, `Timer`).
"""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, Timer


def cycles():
    return int(cocotb.plusargs.get('cycles', 200000))


@cocotb.coroutine
def clock_and_reset(dut):
    cocotb.fork(Clock(dut.clk, 10, units='ns').start())
    dut.resetn.value = 0
    yield ClockCycles(dut.clk, 4)
    dut.resetn.value = 1


@cocotb.test()
def every_rising_edge(dut):
    yield clock_and_reset(dut)
    edge = RisingEdge(dut.clk)
    for _ in xrange(cycles()):
        yield edge


@cocotb.test()
def write_readonly_read_edge(dut):
    yield clock_and_reset(dut)
    edge, settled = RisingEdge(dut.clk), ReadOnly()
    for i in xrange(cycles()):
        dut.m_axis_tready.value = i & 1
        yield settled
        dut.m_axis_tvalid.value.integer
        yield edge


@cocotb.test()
def clock_cycles(dut):
    yield clock_and_reset(dut)
    yield ClockCycles(dut.clk, cycles())


@cocotb.test()
def timer(dut):
    yield clock_and_reset(dut)
    yield Timer(cycles() * 10, 'ns')
