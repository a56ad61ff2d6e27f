"""Outcomes of a test, as cocotb names them."""


class TestFailure(AssertionError):
    """Raise (or `assert`) to fail the running test."""


class TestError(Exception):
    """The test bench itself went wrong (a bad trigger, a write in ReadOnly)."""


class TestSuccess(Exception):
    """Raise to end the running test as passed."""


class SimTimeoutError(TestFailure):
    """The test ran past its timeout_time, or waited on a trigger that can never fire."""


class ReturnValue(Exception):
    """Python 2 generators cannot `return x`: a coroutine raises ReturnValue(x) instead."""

    def __init__(self, retval=None):
        Exception.__init__(self, retval)
        self.retval = retval
