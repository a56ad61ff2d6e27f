"""The AXI4-Lite registers of the ODEBlock (INTERFACE.md), written by ODEGen from its register map
(RegisterMap.scala), the one source the RTL's host controller decodes too."""

MAP = "block"

# byte offsets
CTRL = 0x00  # W: bit 0 START: run; bit 1 LOAD: load the parameters; other bits 0
STATUS = 0x04  # R: bit 0 BUSY, bit 1 DONE, bit 2 LOADED, bit 3 ERROR
STEPS = 0x08  # R/W: Euler steps M, at least 1 (a write of 0 is taken as 1)
STEP_SIZE = 0x0c  # R/W: h, raw Q value
T0 = 0x10  # R/W: t0, raw Q value
CYCLES = 0x14  # R: clock cycles of the last run, from the START write
CONFIG = 0x18  # R: lanes, channels, height, F, time channel, norm mode
WIDTH = 0x1c  # R: W and the solver
IER = 0x20  # R/W: bit 0: raise interrupt on DONE

REGISTERS = {
    "CTRL": CTRL,
    "STATUS": STATUS,
    "STEPS": STEPS,
    "STEP_SIZE": STEP_SIZE,
    "T0": T0,
    "CYCLES": CYCLES,
    "CONFIG": CONFIG,
    "WIDTH": WIDTH,
    "IER": IER,
}

# one-bit fields, as masks
CTRL_START = 0x1  # run
CTRL_LOAD = 0x2  # load the parameters
STATUS_BUSY = 0x1  # a load or a run is going on
STATUS_DONE = 0x2  # set at the end of a run, cleared by the next START
STATUS_LOADED = 0x4  # parameters present
STATUS_ERROR = 0x8  # a START before any LOAD, a command while BUSY, a bad stream, a DDR read error (the engine's run then ends with DONE); cleared by the next accepted command
CONFIG_TIME = 0x20000000  # 1: the time channel
CONFIG_NORM = 0x40000000  # norm mode, 1 = batch-stats
IER_DONE = 0x1  # interrupt on DONE

# every field: (register, field, lowest bit, width)
FIELDS = (
    ("CTRL", "START", 0, 1),
    ("CTRL", "LOAD", 1, 1),
    ("STATUS", "BUSY", 0, 1),
    ("STATUS", "DONE", 1, 1),
    ("STATUS", "LOADED", 2, 1),
    ("STATUS", "ERROR", 3, 1),
    ("CONFIG", "lanes", 0, 8),
    ("CONFIG", "channels", 8, 8),
    ("CONFIG", "height", 16, 8),
    ("CONFIG", "frac", 24, 5),
    ("CONFIG", "time", 29, 1),
    ("CONFIG", "norm", 30, 1),
    ("WIDTH", "width", 0, 6),
    ("WIDTH", "solver", 8, 2),
    ("IER", "DONE", 0, 1),
)

# what the build registers of this folder's top read (empty: not known where this was written)
VALUES = {
}


def get(word, register, field):
    """The value of `field` of `register` in `word`."""
    for r, f, lsb, width in FIELDS:
        if r == register and f == field:
            return (int(word) >> lsb) & ((1 << width) - 1)
    raise KeyError("%s has no field %s" % (register, field))
