"""The event loop: runs generator coroutines against the Verilated block.

Time moves from one timed event (a clock edge, a Timer) to the next. At each time the model is
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
        self.clock_rises = 0
        self._timed = []
        self._seq = 0
        self._ready = deque()
        self._edges = {}      # port index -> [last value, [(kind, callback)]]
        self._readonly = []
        self._outcome = None

    # --------------------------------------------------------------- what triggers call
    def at(self, time, callback):
        self._seq += 1
        heapq.heappush(self._timed, (time, self._seq, callback))

    def on_edge(self, signal, kind, callback):
        w = self._edges.get(signal._index)
        if w is None:
            w = [self.sim.get(signal._index), []]
            self._edges[signal._index] = w
        w[1].append((kind, callback))

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
                fired = []
                for index, w in list(self._edges.items()):
                    v = sim.get(index)
                    old = w[0]
                    if v == old:
                        continue
                    w[0] = v
                    rise = not (old & 1) and (v & 1)
                    fall = (old & 1) and not (v & 1)
                    keep = []
                    for kind, cb in w[1]:
                        if kind == 'any' or (rise and kind == 'rise') or (fall and kind == 'fall'):
                            fired.append(cb)
                        else:
                            keep.append((kind, cb))
                    if keep:
                        w[1] = keep
                    else:
                        del self._edges[index]
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
        while self._outcome is None:
            if not self._timed:
                names = self.sim.portNames()
                waiting = ', '.join(names[i] for i in self._edges) or 'nothing'
                raise SimTimeoutError('the test waits, but no clock or timer is left to move time (waiting on %s)'
                                      % waiting)
            t = self._timed[0][0]
            if timeout_ps is not None and t - start > timeout_ps:
                raise SimTimeoutError('the test ran past its timeout of %d ps' % timeout_ps)
            self.now = t
            self.sim.advanceTo(t)
            while self._timed and self._timed[0][0] == t:
                heapq.heappop(self._timed)[2]()
            self._settle()
        return self._outcome

    def reset(self):
        """Between tests: forked tasks, clocks and waiters of the last test are dropped."""
        self._timed = []
        self._ready = deque()
        self._edges = {}
        self._readonly = []
