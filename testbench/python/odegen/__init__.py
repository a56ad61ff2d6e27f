"""ODEGen for Python test benches: the Java golden model (`odegen.golden`) and AXI drivers
(`odegen.axi`) for the generated ODEBlock."""
