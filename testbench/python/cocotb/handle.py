"""`dut` and its signals: the Verilated block's ports, by their Verilog names."""

import logging

from java.lang import IllegalArgumentException

from cocotb.binary import BinaryValue
from cocotb.result import TestError


class SimHandle(object):
    """One port. `.value` reads (after the model settles) and writes (inputs only)."""

    def __init__(self, sim, scheduler, name, index):
        self._sim = sim
        self._scheduler = scheduler
        self._name = name
        self._index = index
        self._width = sim.width(index)
        self._is_input = sim.isInput(index)

    @property
    def value(self):
        return BinaryValue(self._sim.get(self._index), self._width)

    @value.setter
    def value(self, v):
        if self._scheduler.in_readonly:
            raise TestError('write to %s in the ReadOnly phase' % self._name)
        self._sim.set(self._index, long(v))

    def setimmediatevalue(self, v):
        self.value = v

    def __le__(self, v):
        # cocotb's old `dut.x <= v` assignment
        self.value = v
        return True

    def __int__(self):
        return int(self._sim.get(self._index))

    def __len__(self):
        return self._width

    def __repr__(self):
        return '%s(%d bits)' % (self._name, self._width)


class Dut(object):
    """The top module: `dut.<port>` is a SimHandle; `dut._log`, `dut._name`."""

    def __init__(self, sim, scheduler):
        self._sim = sim
        self._scheduler = scheduler
        self._name = sim.top()
        self._log = logging.getLogger('cocotb.' + self._name)

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        try:
            index = self._sim.handle(name)
        except IllegalArgumentException as e:
            raise AttributeError(e.getMessage())
        h = SimHandle(self._sim, self._scheduler, name, index)
        self.__dict__[name] = h
        return h

    def __repr__(self):
        return self._name
