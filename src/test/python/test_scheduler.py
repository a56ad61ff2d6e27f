"""What the cocotb subset promises, checked on the real block (CocotbSchedulerTest reads the outcomes)."""

import cocotb
from cocotb.clock import Clock
from cocotb.result import ReturnValue, TestError
from cocotb.triggers import ClockCycles, Edge, FallingEdge, First, Join, ReadOnly, RisingEdge, Timer
from cocotb.utils import get_sim_time


@cocotb.coroutine
def reset(dut):
    cocotb.fork(Clock(dut.clk, 10, units='ns').start())
    dut.resetn.value = 0
    yield ClockCycles(dut.clk, 3)
    dut.resetn.value = 1
    yield RisingEdge(dut.clk)


@cocotb.test()
def timer_and_edges(dut):
    dut.clk.value = 0  # Verilator starts inputs at random values
    yield Timer(3, units='ns')
    assert get_sim_time('ns') == 3, get_sim_time('ns')
    cocotb.fork(Clock(dut.clk, 10, units='ns').start())
    yield RisingEdge(dut.clk)
    rise = get_sim_time('ns')
    yield FallingEdge(dut.clk)
    assert get_sim_time('ns') - rise == 5, 'falling edge %s after rising %s' % (get_sim_time('ns'), rise)
    yield ClockCycles(dut.clk, 7)
    assert get_sim_time('ns') - rise == 70 - 5 + 5, get_sim_time('ns') - rise
    assert dut.clk.value == 1 and dut.clk.value.integer == 1


@cocotb.test()
def clocks_on_the_java_side(dut):
    """Edges of a clock the Java side toggles: each kind wakes at its time, ClockCycles on falling
    edges too, a port that changes at a clock edge wakes its waiter, and a killed clock stops."""
    clock = Clock(dut.clk, 10, units='ns')
    run = cocotb.fork(clock.start())
    yield RisingEdge(dut.clk)
    t0 = get_sim_time('ns')
    yield Edge(dut.clk)
    assert get_sim_time('ns') - t0 == 5 and dut.clk.value == 0, 'any edge: the fall at +5 ns'
    yield Edge(dut.clk)
    assert get_sim_time('ns') - t0 == 10 and dut.clk.value == 1, 'any edge: the rise at +10 ns'
    yield ClockCycles(dut.clk, 3, rising=False)
    assert get_sim_time('ns') - t0 == 35 and dut.clk.value == 0, get_sim_time('ns') - t0
    # a read of STEP_SIZE by hand: RVALID (a register) rises at a clock edge, and its waiter wakes
    # there, with no Python woken on the edges between
    dut.resetn.value = 0
    for s in (dut.s_axi_ctrl_arvalid, dut.s_axi_ctrl_awvalid, dut.s_axi_ctrl_wvalid, dut.s_axi_ctrl_rready):
        s.value = 0
    yield ClockCycles(dut.clk, 2)
    dut.resetn.value = 1
    yield RisingEdge(dut.clk)
    dut.s_axi_ctrl_araddr.value = 0x0C
    dut.s_axi_ctrl_arvalid.value = 1
    fired = yield First(RisingEdge(dut.s_axi_ctrl_rvalid), Timer(1, 'us'))
    assert isinstance(fired, RisingEdge), 'RVALID never rose'
    assert (get_sim_time('ns') - t0) % 10 == 0, 'woken off a rising clock edge, at %d ns' % get_sim_time('ns')
    assert dut.s_axi_ctrl_rdata.value == 1 << 20, dut.s_axi_ctrl_rdata.value
    dut.s_axi_ctrl_arvalid.value = 0
    dut.s_axi_ctrl_rready.value = 1
    yield RisingEdge(dut.clk)
    run.kill()
    assert run.done()
    rises = cocotb.scheduler.clock_rises
    fired = yield First(RisingEdge(dut.clk), Timer(100, 'ns'))
    assert isinstance(fired, Timer) and cocotb.scheduler.clock_rises == rises, 'the killed clock still runs'


@cocotb.coroutine
def answer(dut, n):
    yield ClockCycles(dut.clk, n)
    raise ReturnValue(n * 2)


@cocotb.coroutine
def broken(dut):
    yield RisingEdge(dut.clk)
    raise ValueError('broken on purpose')


@cocotb.test()
def fork_join_and_return_values(dut):
    yield reset(dut)
    task = cocotb.fork(answer(dut, 5))
    t0 = get_sim_time('ns')
    value = yield task.join()
    assert value == 10 and task.done() and get_sim_time('ns') - t0 == 50
    value = yield answer(dut, 2)
    assert value == 4
    try:
        yield broken(dut)
        assert False, 'the exception of a called coroutine must reach its caller'
    except ValueError as e:
        assert 'on purpose' in str(e)
    fired = yield First(Timer(30, 'ns'), RisingEdge(dut.interrupt))
    assert isinstance(fired, Timer)
    fired = yield [ClockCycles(dut.clk, 2), Timer(1, 'us')]
    assert isinstance(fired, ClockCycles)


@cocotb.test()
def registers_over_signals(dut):
    """Reads the reset value of STEP_SIZE over AXI4-Lite by hand: quantize(1) in Q32.20."""
    yield reset(dut)
    dut.s_axi_ctrl_araddr.value = 0x0C
    dut.s_axi_ctrl_arvalid.value = 1
    dut.s_axi_ctrl_rready.value = 1
    while True:
        yield ReadOnly()
        ready = dut.s_axi_ctrl_arready.value
        yield RisingEdge(dut.clk)
        if ready:
            break
    dut.s_axi_ctrl_arvalid.value = 0
    while True:
        yield ReadOnly()
        if dut.s_axi_ctrl_rvalid.value:
            assert dut.s_axi_ctrl_rdata.value == 1 << 20, dut.s_axi_ctrl_rdata.value
            break
        yield RisingEdge(dut.clk)
    assert len(dut.s_axi_ctrl_rdata) == 32


@cocotb.test(expect_fail=True)
def failing_assert(dut):
    yield Timer(1)
    assert 1 + 1 == 3, 'arithmetic is off'


@cocotb.test()
def fails_in_forked_task(dut):
    yield reset(dut)
    cocotb.fork(broken(dut))
    yield ClockCycles(dut.clk, 5)


@cocotb.test()
def waits_forever(dut):
    yield RisingEdge(dut.interrupt)


@cocotb.test(timeout_time=200, timeout_unit='ns')
def runs_too_long(dut):
    yield reset(dut)
    yield ClockCycles(dut.clk, 100)


@cocotb.test()
def unknown_signal(dut):
    yield Timer(1)
    dut.no_such_port.value = 1


@cocotb.test()
def write_to_an_output(dut):
    yield Timer(1)
    dut.interrupt.value = 1


@cocotb.test()
def write_in_readonly(dut):
    yield Timer(1)
    yield ReadOnly()
    dut.resetn.value = 0


@cocotb.test()
def yields_nonsense(dut):
    yield 42
