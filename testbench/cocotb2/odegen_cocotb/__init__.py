"""Parts shared by ODEGen's cocotb 2.x test benches (the block's, and later the network engine's).

- `axi`: the AXI4-Lite register master and the AXI4-Stream source and sink of cocotbext-axi, set up
  for ODEGen's ports (one 32-bit word per beat, active-low reset), with random gaps and back-pressure
  that cost no Python while no words move;
- `vectors`: the golden vectors of an output folder (`$readmemh` hex, `cases.txt`) and the comparison
  that names the first differing word by channel, y and x.

Block-specific constants (the register map, the geometry) come from a module the generator writes
beside the test module (for the ODEBlock: `odeblock.py`), so no register address is written twice.
"""
