"""The value of a signal: an integer that also answers cocotb's BinaryValue questions."""


class BinaryValue(long):
    """`dut.x.value`: compares and computes as the unsigned integer, with `.integer`,
    `.signed_integer`, `.binstr` and `.n_bits` as in cocotb."""

    def __new__(cls, value, n_bits):
        v = long.__new__(cls, value)
        v.n_bits = n_bits
        return v

    @property
    def integer(self):
        return long(self)

    @property
    def signed_integer(self):
        v = long(self)
        if self.n_bits > 0 and v >> (self.n_bits - 1):
            v -= 1 << self.n_bits
        return v

    @property
    def binstr(self):
        return format(long(self), '0%db' % self.n_bits)

    def __repr__(self):
        return 'BinaryValue(%d, n_bits=%d)' % (long(self), self.n_bits)
