"""Drivers for the ODEBlock's AXI ports in cocotb's style: what the PS and its DMA do.

Every handshake is sampled in the ReadOnly phase before the rising edge that takes it, and the
drivers write only after a rising edge, so a valid word is held until it is taken."""

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge


class AxiLiteMaster(object):
    def __init__(self, dut, prefix='s_axi_ctrl', clock=None):
        self.clk = clock or dut.clk
        p = lambda n: getattr(dut, '%s_%s' % (prefix, n))
        self.awaddr, self.awvalid, self.awready, self.awprot = p('awaddr'), p('awvalid'), p('awready'), p('awprot')
        self.wdata, self.wstrb, self.wvalid, self.wready = p('wdata'), p('wstrb'), p('wvalid'), p('wready')
        self.bvalid, self.bready, self.bresp = p('bvalid'), p('bready'), p('bresp')
        self.araddr, self.arvalid, self.arready, self.arprot = p('araddr'), p('arvalid'), p('arready'), p('arprot')
        self.rdata, self.rvalid, self.rready, self.rresp = p('rdata'), p('rvalid'), p('rready'), p('rresp')
        self._edge, self._settled = RisingEdge(self.clk), ReadOnly()  # triggers are reusable: one per driver
        for s in (self.awvalid, self.wvalid, self.arvalid, self.awprot, self.arprot):
            s.value = 0
        self.wstrb.value = 0xf
        self.bready.value = 1
        self.rready.value = 1

    @cocotb.coroutine
    def write(self, addr, data):
        self.awaddr.value = addr
        self.awvalid.value = 1
        self.wdata.value = data & 0xffffffff
        self.wvalid.value = 1
        aw_done = w_done = False
        while not (aw_done and w_done):
            yield self._settled
            aw = self.awvalid.value and self.awready.value
            w = self.wvalid.value and self.wready.value
            yield self._edge
            if aw:
                aw_done = True
                self.awvalid.value = 0
            if w:
                w_done = True
                self.wvalid.value = 0
        while True:
            yield self._settled
            b, resp = self.bvalid.value, self.bresp.value
            yield self._edge
            if b:
                break
        assert resp == 0, 'AXI4-Lite write to 0x%02x: BRESP %d' % (addr, resp)

    @cocotb.coroutine
    def read(self, addr):
        self.araddr.value = addr
        self.arvalid.value = 1
        while True:
            yield self._settled
            ar = self.arready.value
            yield self._edge
            if ar:
                break
        self.arvalid.value = 0
        while True:
            yield self._settled
            r, data = self.rvalid.value, self.rdata.value
            yield self._edge
            if r:
                break
        raise cocotb.result.ReturnValue(long(data))


class _StreamPort(object):
    """The four signals of an AXI4-Stream port `<prefix>_t{data,valid,ready,last}` and its clock."""

    def __init__(self, dut, prefix, clock, rng):
        self.clk = clock or dut.clk
        self.tdata, self.tvalid = getattr(dut, prefix + '_tdata'), getattr(dut, prefix + '_tvalid')
        self.tready, self.tlast = getattr(dut, prefix + '_tready'), getattr(dut, prefix + '_tlast')
        self.rng = rng
        self._edge, self._settled = RisingEdge(self.clk), ReadOnly()


class StreamSource(_StreamPort):
    """An AXI4-Stream master (the DMA's MM2S): words with tlast on the last, random gaps."""

    def __init__(self, dut, prefix='s_axis', clock=None, rng=None, gap_probability=0.125):
        _StreamPort.__init__(self, dut, prefix, clock, rng)
        self.gap = gap_probability
        self.tvalid.value = 0

    @cocotb.coroutine
    def send(self, words, last_at=None):
        last = len(words) - 1 if last_at is None else last_at
        tvalid, tdata, tlast, tready = self.tvalid, self.tdata, self.tlast, self.tready
        for i, w in enumerate(words):
            if self.rng is not None:
                while self.rng.nextDouble() < self.gap:
                    tvalid.value = 0
                    yield self._edge
            tvalid.value = 1
            tdata.value = w & 0xffffffff
            tlast.value = 1 if i == last else 0
            while True:
                yield self._settled
                taken = tready.value
                yield self._edge
                if taken:
                    break
        tvalid.value = 0


class StreamSink(_StreamPort):
    """An AXI4-Stream slave (the DMA's S2MM) with random back-pressure."""

    def __init__(self, dut, prefix='m_axis', clock=None, rng=None, stall_probability=0.25):
        _StreamPort.__init__(self, dut, prefix, clock, rng)
        self.stall = stall_probability
        self.tready.value = 0
        self._offered = RisingEdge(self.tvalid)

    @cocotb.coroutine
    def receive(self, count, width=32):
        """Returns (signed words, whether tlast came on the last word only)."""
        words = []
        last_ok = True
        sign = 1 << (width - 1)
        tvalid, tdata, tlast, tready = self.tvalid, self.tdata, self.tlast, self.tready
        while len(words) < count:
            tready.value = 0 if (self.rng is not None and self.rng.nextDouble() < self.stall) else 1
            yield self._settled
            if not tvalid.value:
                # nothing offered: sleep until the block raises tvalid (at a clock edge), not a
                # Python wake-up per cycle while it computes
                yield self._offered
                continue
            if tready.value:
                v = long(tdata.value) & ((1 << width) - 1)
                words.append(v - (1 << width) if v & sign else v)
                if bool(tlast.value) != (len(words) == count):
                    last_ok = False
            yield self._edge
        tready.value = 0
        raise cocotb.result.ReturnValue((words, last_ok))
