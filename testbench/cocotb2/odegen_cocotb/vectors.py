"""Golden vectors of an ODEGen output folder: `vectors/cases.txt` and `vectors/<case>/*.hex`."""

import os
from dataclasses import dataclass

MASK = 0xFFFFFFFF


def read_hex(path):
    """The 32-bit words of a `$readmemh` file (one hex word a line, `//` comments), as unsigned ints."""
    words = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.split("//", 1)[0].strip()
            if line:
                words.append(int(line, 16) & MASK)
    return words


@dataclass
class Case:
    """One run of `cases.txt`: its name, Euler steps, h and t0 (raw Q values) and its three word files."""

    name: str
    steps: int
    h: int
    t0: int
    params: list
    z0: list
    expected: list


def read_cases(folder):
    """Every case of `folder/cases.txt` (lines `name steps h t0 [solver]`: the solver, where written, is the
    block's own and the expected words are already its), with its words read."""
    cases = []
    with open(os.path.join(folder, "cases.txt"), encoding="ascii") as f:
        for line in f:
            if not line.strip():
                continue
            name, steps, h, t0 = line.split()[:4]
            base = os.path.join(folder, name)
            cases.append(Case(name, int(steps), int(h), int(t0), read_hex(os.path.join(base, "params.hex")),
                              read_hex(os.path.join(base, "z0.hex")), read_hex(os.path.join(base, "expected.hex"))))
    return cases


def where(index, height, width):
    """(channel, y, x) of word `index` of a feature map sent in [c][y][x] order."""
    return index // (height * width), index // width % height, index % width


def first_difference(got, expected, height, width):
    """None when `got` equals `expected` word for word; otherwise a message naming the first differing word.

    Words are compared as 32-bit `tdata` (a W < 32 value travels sign-extended, as the hex files hold it).
    """
    for i, (g, e) in enumerate(zip(got, expected)):
        if (g & MASK) != (e & MASK):
            c, y, x = where(i, height, width)
            return "first differing word %d (channel %d, y %d, x %d): got %08x, golden %08x" % (
                i, c, y, x, g & MASK, e & MASK)
    if len(got) != len(expected):
        return "%d words, golden %d" % (len(got), len(expected))
    return None
