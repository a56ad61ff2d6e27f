# PYNQ-Z2 constraints of an ODEGen block design. The block talks to the board only through the
# Zynq PS (AXI and interrupts): no package pins, and its clock is the PS's FCLK_CLK0, which Vivado
# constrains from the PS7 configuration. Nothing to add here; the file is where board pins would go.
