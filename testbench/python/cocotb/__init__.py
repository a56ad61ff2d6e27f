"""A cocotb subset for Jython, run inside the JVM against the Verilated ODEBlock.

Test benches look like cocotb 1.x ones written with generator coroutines:

    import cocotb
    from cocotb.clock import Clock
    from cocotb.triggers import RisingEdge, ClockCycles

    @cocotb.test()
    def counts(dut):
        cocotb.fork(Clock(dut.clk, 10, units='ns').start())
        dut.resetn.value = 0
        yield ClockCycles(dut.clk, 4)
        ...

See doc/verification.md's "Python test benches" for what differs from real cocotb.
"""

import functools
import logging
import types

from cocotb.scheduler import Coroutine
from cocotb import result  # noqa: F401  (cocotb.result.TestFailure, as in cocotb)

_registry = []
scheduler = None       # set by cocotb.regression while tests run
RANDOM_SEED = 0
plusargs = {}
log = logging.getLogger('cocotb')


def coroutine(func):
    """Marks a generator function as a coroutine: calling it gives something to yield or fork."""

    @functools.wraps(func)
    def call(*args, **kwargs):
        gen = func(*args, **kwargs)
        if not isinstance(gen, types.GeneratorType):
            value = gen

            def finished():
                yield _done_now()
                raise result.ReturnValue(value)
            gen = finished()
        return Coroutine(gen, func.__name__)

    call._is_coroutine = True
    return call


def _done_now():
    from cocotb.triggers import Timer
    return Timer(0)


class test(object):
    """@cocotb.test(timeout_time=None, timeout_unit='ns', expect_fail=False, expect_error=False, skip=False)"""

    def __init__(self, timeout_time=None, timeout_unit='ns', expect_fail=False, expect_error=False, skip=False):
        self.timeout_time = timeout_time
        self.timeout_unit = timeout_unit
        self.expect_fail = expect_fail
        self.expect_error = expect_error
        self.skip = skip

    def __call__(self, func):
        co = func if getattr(func, '_is_coroutine', False) else coroutine(func)
        co._test = self
        co._module = func.__module__
        co._name = func.__name__
        co._doc = (func.__doc__ or '').strip()
        _registry.append(co)
        return co


def fork(coro):
    """Starts a coroutine (or Clock(...).start()) beside the caller; returns its task."""
    if scheduler is None:
        raise RuntimeError('cocotb.fork outside a running test')
    if hasattr(coro, '_install'):
        coro._install(scheduler)
        return coro
    if isinstance(coro, Coroutine):
        return scheduler.start(coro._gen, coro.__name__)
    if isinstance(coro, types.GeneratorType):
        return scheduler.start(coro, 'coroutine')
    raise TypeError('cocotb.fork(%r): not a coroutine' % (coro,))


start_soon = fork
