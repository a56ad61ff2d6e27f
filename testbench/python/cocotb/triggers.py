"""What a coroutine can `yield`: the time and edge triggers of cocotb."""

from cocotb.result import TestError

_UNITS = {'fs': 1e-3, 'ps': 1, 'ns': 1000, 'us': 1000000, 'ms': 1000000000, 'sec': 1000000000000, 'step': 1}


def to_ps(time, units):
    """Simulation time is counted in ps (Timer(n, 'step') is n ps)."""
    if units is None:
        units = 'step'
    if units not in _UNITS:
        raise TestError("unknown time unit '%s'; valid: %s" % (units, ', '.join(sorted(_UNITS))))
    return int(round(time * _UNITS[units]))


class Trigger(object):
    """Resumes a waiting task once; `_prime` hands it to the scheduler."""

    def _prime(self, scheduler, task):
        raise NotImplementedError


class Timer(Trigger):
    """Resume after `time` units of simulated time."""

    def __init__(self, time, units='step'):
        self.ps = to_ps(time, units)
        if self.ps < 0:
            raise TestError('Timer(%r): time must not be negative' % time)

    def _prime(self, scheduler, task):
        scheduler.at(scheduler.now + self.ps, lambda: scheduler.resume(task, self))

    def __repr__(self):
        return 'Timer(%d ps)' % self.ps


class _EdgeTrigger(Trigger):
    kind = None

    def __init__(self, signal):
        self.signal = signal

    def _prime(self, scheduler, task):
        scheduler.on_edge(self.signal, self.kind, lambda: scheduler.resume(task, self))

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, self.signal._name)


class RisingEdge(_EdgeTrigger):
    """Resume just after the signal goes from 0 to 1 (its lowest bit), the model settled."""
    kind = 'rise'


class FallingEdge(_EdgeTrigger):
    """Resume just after the signal goes from 1 to 0."""
    kind = 'fall'


class Edge(_EdgeTrigger):
    """Resume after any change of the signal."""
    kind = 'any'


class ClockCycles(Trigger):
    """Resume after `num_cycles` rising (or falling) edges of `signal`."""

    def __init__(self, signal, num_cycles, rising=True):
        self.signal = signal
        self.num_cycles = num_cycles
        self.kind = 'rise' if rising else 'fall'

    def _prime(self, scheduler, task):
        if self.num_cycles > 0:
            # a clock from cocotb.clock.Clock: its edges are known in advance, so wait once, until
            # the last of them (its edges at that time are made before the waiter resumes)
            edge = scheduler.sim.nextEdge(self.signal._index, self.kind == 'rise')
            if edge is not None and edge[0] > scheduler.now:
                scheduler.at(edge[0] + (self.num_cycles - 1) * edge[1], lambda: scheduler.resume(task, self))
                return
        left = [self.num_cycles]

        def edge():
            left[0] -= 1
            if left[0] <= 0:
                scheduler.resume(task, self)
            else:
                scheduler.on_edge(self.signal, self.kind, edge)

        if self.num_cycles <= 0:
            scheduler.resume(task, self)
        else:
            scheduler.on_edge(self.signal, self.kind, edge)

    def __repr__(self):
        return 'ClockCycles(%s, %d)' % (self.signal._name, self.num_cycles)


class ReadOnly(Trigger):
    """Resume once every write of this time step has settled; no writes allowed until the next trigger."""

    def _prime(self, scheduler, task):
        scheduler.on_readonly(lambda: scheduler.resume(task, self))

    def __repr__(self):
        return 'ReadOnly()'


class Join(Trigger):
    """Resume when a forked task ends; the yield returns its return value."""

    def __init__(self, task):
        self.task = task

    def _prime(self, scheduler, task):
        self.task._on_done(lambda: scheduler.resume(task, self.task.retval))

    def __repr__(self):
        return 'Join(%s)' % self.task


class First(Trigger):
    """Resume on whichever of the triggers fires first (also: `yield [t1, t2]`); returns that trigger."""

    def __init__(self, *triggers):
        self.triggers = triggers

    def _prime(self, scheduler, task):
        fired = [False]
        proxy = _Proxy(scheduler, task, fired)
        for t in self.triggers:
            t._prime(scheduler, proxy)


class _Proxy(object):
    """Stands in for the task under First: only the first trigger to fire resumes it."""

    def __init__(self, scheduler, task, fired):
        self.scheduler = scheduler
        self.task = task
        self.fired = fired
        self.done = False

    def _fire(self, value):
        if not self.fired[0]:
            self.fired[0] = True
            self.scheduler.resume(self.task, value)
