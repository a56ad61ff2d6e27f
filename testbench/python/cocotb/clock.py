"""A free-running clock, toggled by the Java side of the bridge (no Python coroutine per edge)."""

from cocotb.triggers import to_ps


class Clock(object):
    """`cocotb.fork(Clock(dut.clk, 10, units='ns').start())`: toggles the signal every half period."""

    def __init__(self, signal, period, units='step'):
        self.signal = signal
        self.period_ps = to_ps(period, units)
        if self.period_ps < 2:
            raise ValueError('Clock period must be at least 2 ps')
        self.half = self.period_ps // 2

    def start(self, start_high=True):
        return _ClockRun(self, start_high)

    def __repr__(self):
        return 'Clock(%s, %d ps)' % (self.signal._name, self.period_ps)


class _ClockRun(object):
    """What Clock.start() returns; cocotb.fork hands it to the Java side, which toggles the port
    between the scheduler's events (a Python callback per edge would cost most of the run)."""

    def __init__(self, clock, start_high):
        self.clock = clock
        self.start_high = start_high
        self._sim = None
        self._id = None

    def _install(self, scheduler):
        self._sim = scheduler.sim
        c = self.clock
        self._id = self._sim.startClock(c.signal._index, c.half, c.period_ps - c.half, self.start_high)

    def kill(self):
        if self._id is not None:
            self._sim.stopClock(self._id)
            self._id = None

    def done(self):
        return self._id is None
