"""cocotb.utils: simulated time."""

import cocotb
from cocotb.triggers import _UNITS


def get_sim_time(units='step'):
    """The current simulated time in `units` (the scheduler counts ps)."""
    ps = cocotb.scheduler.now if cocotb.scheduler is not None else 0
    return ps / float(_UNITS[units]) if units != 'step' else ps
