// odegen_axil.h: the AXI4-Lite master of ODEGen's Verilator harnesses, written by ODEGen into testbench/
// beside odegen_regs.h. It drives `<dut>->s_axi_ctrl_*` as the PS's GP port does: one write or read at a
// time, each valid held until its handshake; `tick` advances the clock one cycle (the harness's own, which
// may move other models too).
#ifndef ODEGEN_AXIL_H
#define ODEGEN_AXIL_H

#include <cstdint>

namespace odegen {

template <class Dut, class Tick> void axilWrite(Dut* dut, Tick tick, uint32_t addr, uint32_t data) {
    dut->s_axi_ctrl_awvalid = 1;
    dut->s_axi_ctrl_awaddr = addr;
    dut->s_axi_ctrl_awprot = 0;
    dut->s_axi_ctrl_wvalid = 1;
    dut->s_axi_ctrl_wdata = data;
    dut->s_axi_ctrl_wstrb = 0xf;
    dut->s_axi_ctrl_bready = 1;
    bool aw = false, w = false;
    while (!(aw && w)) {
        dut->eval();
        bool awFire = dut->s_axi_ctrl_awvalid && dut->s_axi_ctrl_awready;
        bool wFire = dut->s_axi_ctrl_wvalid && dut->s_axi_ctrl_wready;
        tick();
        if (awFire) { aw = true; dut->s_axi_ctrl_awvalid = 0; }
        if (wFire) { w = true; dut->s_axi_ctrl_wvalid = 0; }
    }
    for (;;) {
        dut->eval();
        bool b = dut->s_axi_ctrl_bvalid;
        tick();
        if (b) break;
    }
}

template <class Dut, class Tick> uint32_t axilRead(Dut* dut, Tick tick, uint32_t addr) {
    dut->s_axi_ctrl_arvalid = 1;
    dut->s_axi_ctrl_araddr = addr;
    dut->s_axi_ctrl_arprot = 0;
    dut->s_axi_ctrl_rready = 1;
    for (;;) {
        dut->eval();
        bool fire = dut->s_axi_ctrl_arready;
        tick();
        if (fire) break;
    }
    dut->s_axi_ctrl_arvalid = 0;
    for (;;) {
        dut->eval();
        if (dut->s_axi_ctrl_rvalid) {
            uint32_t data = dut->s_axi_ctrl_rdata;
            tick();
            return data;
        }
        tick();
    }
}

}  // namespace odegen

#endif
