"""The event loop: runs generator coroutines against the Verilated block.

Time moves from one event to the next. Clocks run on the Java side (VerilatedBlock.runClocks),
which comes back only at a clock edge that a waiter wants or at the time of the next Python
event (a Timer); edges nobody waits for never reach Python. At each such time the model is
evaluated, edges of the watched signals wake their waiters, the woken tasks run until they yield
again, and this repeats (delta cycles) until nothing more wakes; then ReadOnly waiters run.
Writes go straight into the model's inputs and are seen by the next evaluation, so a value
written after RisingEdge(clk) is sampled at the next rising edge, as in cocotb.
"""

import heapq
import sys
import types
from collections import deque

from cocotb.result import ReturnValue, SimTimeoutError, TestError, TestSuccess
from cocotb.triggers import First, Join, Trigger

_EDGE_BITS = {'rise': 1, 'fall': 2, 'any': 4}   # VerilatedBlock.Rise, Fall, Change
_FOREVER = (1 << 63) - 1


def _mask(waiters):
    m = 0
    for bit, _ in waiters:
        m |= bit
    return m


class Coroutine(object):
    """A called @cocotb.coroutine: a generator waiting to be yielded or forked."""

    def __init__(self, gen, name):
        self._gen = gen
        self.__name__ = name

    def __repr__(self):
        return self.__name__


class Task(object):
    """A running coroutine (what cocotb.fork returns): `join()`, `kill()`, `done()`, `retval`."""

    def __init__(self, scheduler, gen, name, parent=None):
        self._scheduler = scheduler
        self._gen = gen
        self.name = name
        self._parent = parent
        self._done = False
        self.retval = None
        self._done_callbacks = []

    def done(self):
        return self._done

    def join(self):
        return Join(self)

    def kill(self):
        if not self._done:
            self._done = True
            try:
                self._gen.close()
            except Exception:
                pass

    def _on_done(self, cb):
        if self._done:
            cb()
        else:
            self._done_callbacks.append(cb)

    def _finish(self, retval):
        self._done = True
        self.retval = retval
        if self._parent is not None:
            self._scheduler.resume(self._parent, retval)
        for cb in self._done_callbacks:
            cb()
        self._done_callbacks = []

    def _advance(self, value, exc):
        if self._done:
            return
        try:
            if exc is not None:
                yielded = self._gen.throw(*exc)
            else:
                yielded = self._gen.send(value)
        except StopIteration:
            self._finish(None)
            return
        except ReturnValue as r:
            self._finish(r.retval)
            return
        except TestSuccess:
            self._done = True
            self._scheduler.end_test(None)
            return
        except:  # noqa: E722 (Java exceptions, too)
            self._done = True
            if self._parent is not None:
                # a coroutine yielded directly: its exception goes up into the caller
                self._scheduler.throw(self._parent, sys.exc_info())
            else:
                self._scheduler.end_test(sys.exc_info())
            return
        self._wait_on(yielded)

    def _wait_on(self, yielded):
        s = self._scheduler
        if isinstance(yielded, Trigger):
            yielded._prime(s, self)
        elif isinstance(yielded, Coroutine):
            s.start(yielded._gen, yielded.__name__, parent=self)
        elif isinstance(yielded, types.GeneratorType):
            s.start(yielded, getattr(yielded, '__name__', 'coroutine'), parent=self)
        elif isinstance(yielded, Task):
            Join(yielded)._prime(s, self)
        elif isinstance(yielded, (list, tuple)):
            First(*yielded)._prime(s, self)
        else:
            s.throw(self, (TestError, TestError('%s yielded %r, which is not a trigger or coroutine' % (self.name, yielded)), None))

    def __repr__(self):
        return 'Task(%s)' % self.name


class Scheduler(object):
    def __init__(self, sim):
        self.sim = sim
        self.now = 0
        self.in_readonly = False
        self._timed = []
        self._seq = 0
        self._ready = deque()
        self._edges = {}      # port index -> [(edge kind bit, callback)]; the Java side keeps last values
        self._readonly = []
        self._outcome = None

    # --------------------------------------------------------------- what triggers call
    def at(self, time, callback):
        self._seq += 1
        heapq.heappush(self._timed, (time, self._seq, callback))

    @property
    def clock_rises(self):
        """Rising edges of the clocks so far: the simulated cycles."""
        return self.sim.clockRises()

    def on_edge(self, signal, kind, callback):
        bit = _EDGE_BITS[kind]
        index = signal._index
        waiters = self._edges.get(index)
        if waiters is None:
            waiters = self._edges[index] = []
        waiters.append((bit, callback))
        self.sim.watch(index, _mask(waiters))

    def on_readonly(self, callback):
        self._readonly.append(callback)

    def resume(self, task, value):
        if hasattr(task, '_fire'):
            task._fire(value)
        elif not task._done:
            self._ready.append((task, value, None))

    def throw(self, task, exc_info):
        if hasattr(task, '_fire'):
            task = task.task
        self._ready.append((task, None, exc_info))

    def start(self, gen, name, parent=None):
        task = Task(self, gen, name, parent)
        self._ready.append((task, None, None))
        return task

    def end_test(self, exc_info):
        if self._outcome is None:
            self._outcome = ('fail', exc_info) if exc_info is not None else ('pass', None)

    # --------------------------------------------------------------- the loop
    def _settle(self):
        sim = self.sim
        while self._outcome is None:
            if self._edges:
                edges = sim.edges()
                fired = []
                for k in range(0, len(edges), 2):
                    index, happened = edges[k], edges[k + 1]
                    keep = []
                    for bit, cb in self._edges[index]:
                        if bit & happened:
                            fired.append(cb)
                        else:
                            keep.append((bit, cb))
                    if keep:
                        self._edges[index] = keep
                    else:
                        del self._edges[index]
                    sim.watch(index, _mask(keep))
                for cb in fired:
                    cb()
            if self._ready:
                while self._ready and self._outcome is None:
                    task, value, exc = self._ready.popleft()
                    task._advance(value, exc)
                continue
            if self._readonly:
                self.in_readonly = True
                callbacks, self._readonly = self._readonly, []
                for cb in callbacks:
                    cb()
                while self._ready and self._outcome is None:
                    task, value, exc = self._ready.popleft()
                    task._advance(value, exc)
                self.in_readonly = False
                continue
            return

    def run_test(self, coro, timeout_ps=None):
        """Runs one test's coroutine until it returns or fails; returns ('pass'|'fail', exc_info)."""
        self._outcome = None
        start = self.now
        main = self.start(coro._gen, coro.__name__)
        main._on_done(lambda: self.end_test(None))
        self._settle()
        sim = self.sim
        deadline = start + timeout_ps if timeout_ps is not None else None
        while self._outcome is None:
            t_py = self._timed[0][0] if self._timed else None
            limit = _FOREVER if t_py is None else t_py
            if deadline is not None and deadline < limit:
                limit = deadline
            if sim.runClocks(limit):
                # a clock edge that a waiter wants; Python's own events at the same time run with it
                self.now = sim.now()
                self._run_timed(self.now)
                self._settle()
                continue
            if t_py is None and not sim.runningClocks():
                names = sim.portNames()
                waiting = ', '.join(names[i] for i in self._edges) or 'nothing'
                raise SimTimeoutError('the test waits, but no clock or timer is left to move time (waiting on %s)'
                                      % waiting)
            if t_py is None or (deadline is not None and t_py > deadline):
                raise SimTimeoutError('the test ran past its timeout of %d ps' % timeout_ps)
            self.now = t_py
            sim.advanceTo(t_py)
            self._run_timed(t_py)
            self._settle()
        return self._outcome

    def _run_timed(self, t):
        while self._timed and self._timed[0][0] == t:
            heapq.heappop(self._timed)[2]()

    def reset(self):
        """Between tests: forked tasks, clocks and waiters of the last test are dropped."""
        self._timed = []
        self._ready = deque()
        self._edges = {}
        self._readonly = []
        self.sim.stopClocks()
        self.sim.unwatchAll()
