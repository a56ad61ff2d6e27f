"""A free-running clock, driven by the scheduler itself (no Python coroutine per edge)."""

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
    """What Clock.start() returns; cocotb.fork hands it to the scheduler as a timed event chain."""

    def __init__(self, clock, start_high):
        self.clock = clock
        self.start_high = start_high
        self.running = True

    def _install(self, scheduler):
        sim = scheduler.sim
        index = self.clock.signal._index
        half = self.clock.half
        low = self.clock.period_ps - half
        state = [1 if self.start_high else 0]

        def toggle():
            if not self.running:
                return
            v = state[0]
            sim.set(index, v)
            if v:
                scheduler.clock_rises += 1
            state[0] = 1 - v
            scheduler.at(scheduler.now + (half if v else low), toggle)

        scheduler.at(scheduler.now, toggle)

    def kill(self):
        self.running = False

    def done(self):
        return not self.running
