package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;

/**
 * The packaged IP: the wrapper of {@code rtl-templates/} lints clean with the generated RTL (and, with the engine's
 * AXI4 master, with a top that has one), and {@code vivado/package_ip.tcl} and {@code build.tcl -ip 1} run in tclsh
 * against the Vivado stubs with the right interfaces and the register map as the memory map.
 */
class VivadoIpTest {
    private static final Path STUBS = Path.of("src/test/tcl/vivado_stubs.tcl").toAbsolutePath();

    @TempDir
    static Path dir;
    static BlockGenerator.Generated g;

    @BeforeAll
    static void generate() throws Exception {
        g = BlockGenerator.generate(OdeBlockDesign.builder("layer_ip").featureMap(4, 4, 4).lanes(2).build(),
                dir.resolve("block"), false);
    }

    record Run(int exit, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        List<String> calls(String prefix) {
            return lines.stream().filter(l -> l.startsWith("CALL " + prefix)).toList();
        }

        int index(String prefix) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static Run tclsh(Path folder, Map<String, String> env, String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tclsh", STUBS.toString(), script));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(folder.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out.lines().toList());
    }

    /** A copy of the generated folder, for tests that change it. */
    private static Path copy(String name) throws Exception {
        Path to = dir.resolve(name);
        try (var files = Files.walk(g.folder())) {
            for (Path f : files.toList()) {
                Path t = to.resolve(g.folder().relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
        return to;
    }

    @Test
    void theWrapperIsInRtlAndTheManifestAndLintsClean() throws Exception {
        String wrapper = "rtl/" + VivadoIp.wrapperName(g.top()) + ".v";
        assertTrue(g.verilog().contains(wrapper), g.verilog().toString());
        var manifest = new ObjectMapper().readTree(g.folder().resolve("manifest.json").toFile());
        assertTrue(manifest.get("verilog").toString().contains(wrapper), manifest.toString());
        assertEquals(g.top(), manifest.get("top").asText(), "the core stays the top the harnesses use");
        String text = Files.readString(g.folder().resolve(wrapper));
        assertTrue(text.contains("(* X_INTERFACE_PARAMETER = \"ASSOCIATED_BUSIF s_axi_ctrl:s_axis:m_axis, "
                + "ASSOCIATED_RESET resetn, FREQ_HZ 100000000\" *)"), text);
        assertTrue(text.contains("\"xilinx.com:signal:reset:1.0 resetn RST\"") && text.contains("\"POLARITY ACTIVE_LOW\""), text);
        assertTrue(text.contains("\"xilinx.com:signal:interrupt:1.0 interrupt INTERRUPT\"")
                && text.contains("\"SENSITIVITY LEVEL_HIGH\""), text);
        assertFalse(text.contains("m_axi_"), "no AXI4 master on the block");
        // with the wrapper as the top, and with the core as the top (the wrapper then unused), both clean
        VerilogLint.lint(g.folder(), VivadoIp.wrapperName(g.top()), g.verilog());
        VerilogLint.lint(g.folder(), g.top(), g.verilog());
    }

    @Test
    void theWrapperWithTheEnginesAxiMasterLintsCleanWithATopThatHasOne() throws Exception {
        Path rtl = Files.createDirectories(dir.resolve("engine/rtl"));
        // a stand-in engine with NETWORK.md's ports: AXI4 read master and INTERFACE.md's
        Files.writeString(rtl.resolve("Engine.v"), """
                `timescale 1ns/1ps
                /* verilator lint_off SYMRSVDWORD */
                module Engine (
                  input clk, input resetn,
                  input [7:0] s_axi_ctrl_awaddr, input [2:0] s_axi_ctrl_awprot, input s_axi_ctrl_awvalid,
                  output s_axi_ctrl_awready, input [31:0] s_axi_ctrl_wdata, input [3:0] s_axi_ctrl_wstrb,
                  input s_axi_ctrl_wvalid, output s_axi_ctrl_wready, output [1:0] s_axi_ctrl_bresp,
                  output s_axi_ctrl_bvalid, input s_axi_ctrl_bready, input [7:0] s_axi_ctrl_araddr,
                  input [2:0] s_axi_ctrl_arprot, input s_axi_ctrl_arvalid, output s_axi_ctrl_arready,
                  output [31:0] s_axi_ctrl_rdata, output [1:0] s_axi_ctrl_rresp, output s_axi_ctrl_rvalid,
                  input s_axi_ctrl_rready,
                  input [31:0] s_axis_tdata, input s_axis_tvalid, output s_axis_tready, input s_axis_tlast,
                  output [31:0] m_axis_tdata, output m_axis_tvalid, input m_axis_tready, output m_axis_tlast,
                  output [31:0] m_axi_araddr, output [7:0] m_axi_arlen, output [2:0] m_axi_arsize,
                  output [1:0] m_axi_arburst, output [3:0] m_axi_arcache, output [2:0] m_axi_arprot,
                  output m_axi_arvalid, input m_axi_arready, input [63:0] m_axi_rdata, input [1:0] m_axi_rresp,
                  input m_axi_rlast, input m_axi_rvalid, output m_axi_rready,
                  output interrupt);
                  reg [31:0] r;
                  always @(posedge clk) r <= !resetn ? 32'd0 : r ^ s_axi_ctrl_wdata ^ s_axis_tdata ^ m_axi_rdata[31:0]
                      ^ m_axi_rdata[63:32] ^ {24'd0, s_axi_ctrl_awaddr ^ s_axi_ctrl_araddr}
                      ^ {26'd0, s_axi_ctrl_awprot, s_axi_ctrl_arprot} ^ {28'd0, s_axi_ctrl_wstrb}
                      ^ {19'd0, m_axi_rresp, s_axi_ctrl_awvalid, s_axi_ctrl_wvalid, s_axi_ctrl_bready, s_axi_ctrl_arvalid,
                         s_axi_ctrl_rready, s_axis_tvalid, s_axis_tlast, m_axis_tready, m_axi_arready, m_axi_rlast,
                         m_axi_rvalid};
                  assign {s_axi_ctrl_awready, s_axi_ctrl_wready, s_axi_ctrl_bvalid, s_axi_ctrl_arready,
                          s_axi_ctrl_rvalid, s_axis_tready, m_axis_tvalid, m_axis_tlast, m_axi_arvalid, m_axi_rready,
                          interrupt} = r[10:0];
                  assign s_axi_ctrl_bresp = r[1:0];
                  assign s_axi_ctrl_rresp = r[3:2];
                  assign s_axi_ctrl_rdata = r;
                  assign m_axis_tdata = r;
                  assign m_axi_araddr = r;
                  assign m_axi_arlen = r[7:0];
                  assign m_axi_arsize = 3'd3;
                  assign m_axi_arburst = 2'b01;
                  assign m_axi_arcache = 4'b0011;
                  assign m_axi_arprot = 3'b000;
                endmodule
                """);
        String file = VivadoIp.writeWrapper(rtl, "Engine", 100, true);
        String text = Files.readString(rtl.resolve(file));
        assertTrue(text.contains("ASSOCIATED_BUSIF s_axi_ctrl:s_axis:m_axis:m_axi,"), text);
        assertTrue(text.contains("\"xilinx.com:interface:aximm:1.0 m_axi ARADDR\"")
                && text.contains("PROTOCOL AXI4, DATA_WIDTH 64, ADDR_WIDTH 32, READ_WRITE_MODE READ_ONLY"), text);
        List<String> files = List.of("rtl/Engine.v", "rtl/" + file);
        VerilogLint.lint(rtl.getParent(), "Engine_ip", files);

        // its package script checks the master too, under the stubs
        Path vivado = Files.createDirectories(rtl.getParent().resolve("vivado"));
        VivadoIp.writePackageScript(vivado, "Engine", VivadoWriter.PART, files, true, Hardware.registerMap());
        Run r = tclsh(rtl.getParent(), Map.of(), "vivado/package_ip.tcl");
        assertEquals(0, r.exit(), r.text());
        assertTrue(r.text().contains("ODEGen package_ip: odegen.org:odegen:Engine:1.0"), r.text());
        // the stub's interfaces come from the wrapper; remove the master's attributes and the check fails
        Files.writeString(rtl.resolve(file), text.replace("aximm:1.0 m_axi ", "aximm:1.0 m_axi_x "));
        Run missing = tclsh(rtl.getParent(), Map.of(), "vivado/package_ip.tcl");
        assertEquals(1, missing.exit(), missing.text());
        assertTrue(missing.text().contains("the packaged IP has no bus interface 'm_axi'"), missing.text());
    }

    @Test
    void packageIpPackagesTheWrapperWithTheRegisterMap() throws Exception {
        Path folder = copy("pkg");
        Run r = tclsh(folder, Map.of(), "vivado/package_ip.tcl");
        assertEquals(0, r.exit(), r.text());
        String top = g.top();
        String ipTop = VivadoIp.wrapperName(top);
        assertTrue(r.lines().get(r.index("CALL create_project")).endsWith("-part xc7z020clg400-1"), r.text());
        String add = r.calls("add_files").get(0);
        for (String v : g.verilog()) {
            assertTrue(add.contains(folder.resolve(v).toString()), v + " in " + add);
        }
        assertEquals(List.of("CALL set_property top " + ipTop + " sources_1"), r.calls("set_property top"));
        String pkg = r.calls("ipx::package_project").get(0);
        assertTrue(pkg.contains("-root_dir " + folder.resolve("vivado/ip")) && pkg.contains("-vendor odegen.org")
                && pkg.contains("-library odegen") && pkg.contains("-import_files"), pkg);
        assertTrue(r.calls("set_property version 1.0 core").size() == 1, r.text());
        assertTrue(r.calls("set_property name " + top + " core").size() == 1, r.text());
        // the memory map: on s_axi_ctrl, 256 bytes, one register per entry of the RTL's register map
        assertEquals(List.of("CALL ipx::add_memory_map s_axi_ctrl core"), r.calls("ipx::add_memory_map"));
        assertTrue(r.text().contains("CALL set_property slave_memory_map_ref s_axi_ctrl s_axi_ctrl"), r.text());
        assertTrue(r.text().contains("CALL set_property range 256 address_block:registers"), r.text());
        var map = Hardware.registerMap().memoryMap();
        assertEquals(map.size(), r.calls("ipx::add_register").size(), r.text());
        for (var reg : map) {
            String name = (String) reg.get("name");
            String offset = String.format("0x%02X", (Integer) reg.get("offset"));
            assertTrue(r.text().contains("CALL ipx::add_register " + name + " address_block:registers"), name);
            assertTrue(r.text().contains("CALL set_property address_offset " + offset + " register:" + name), name);
        }
        assertTrue(r.text().contains("CALL set_property access write-only register:CTRL")
                && r.text().contains("CALL set_property access read-only register:STATUS")
                && r.text().contains("CALL set_property access read-write register:IER"), r.text());
        int integrity = r.index("CALL ipx::check_integrity core");
        int save = r.index("CALL ipx::save_core core");
        assertTrue(integrity > 0 && save > integrity, r.text());
        assertTrue(Files.exists(folder.resolve("vivado/ip/component.xml")));
        assertTrue(r.text().contains("ODEGen package_ip: odegen.org:odegen:" + top + ":1.0 in "), r.text());
    }

    @Test
    void packageIpStopsOnAMissingInterfaceOrAFailedIntegrityCheck() throws Exception {
        Path folder = copy("broken");
        Path wrapper = folder.resolve("rtl/" + VivadoIp.wrapperName(g.top()) + ".v");
        Files.writeString(wrapper, Files.readString(wrapper).replace("interrupt:1.0 interrupt INTERRUPT", "interrupt:1.0 irq INTERRUPT"));
        Run r = tclsh(folder, Map.of(), "vivado/package_ip.tcl");
        assertEquals(1, r.exit(), r.text());
        assertTrue(r.text().contains("ODEGen package_ip: the packaged IP has no bus interface 'interrupt'"), r.text());
        assertEquals(-1, r.index("CALL ipx::save_core"));
        Run integrity = tclsh(copy("integrity"), Map.of("STUB_FAIL", "integrity"), "vivado/package_ip.tcl");
        assertEquals(1, integrity.exit(), integrity.text());
        assertTrue(integrity.text().contains("does not pass ipx::check_integrity: stub: [IP_Flow 19-3157]"), integrity.text());
    }

    @Test
    void buildUsesThePackagedIpWithDashIp() throws Exception {
        Path folder = copy("withip");
        Run r = tclsh(folder, Map.of(), "vivado/build.tcl", "-ip", "1");
        assertEquals(0, r.exit(), r.text());
        String top = g.top();
        int pkg = r.index("CALL ipx::package_project");
        int project = r.index("CALL create_project -force " + top + "_pynq");
        int repo = r.index("CALL set_property ip_repo_paths " + folder.resolve("vivado/ip") + " " + top + "_pynq");
        int catalog = r.index("CALL update_ip_catalog");
        int cell = r.index("CALL create_bd_cell -type ip -vlnv odegen.org:odegen:" + top + ":1.0 ode");
        VivadoFlowTest.assertInOrder(r.text(), pkg, project, repo, catalog, cell);
        assertEquals(-1, r.index("CALL create_bd_cell -type module"), "no module reference with -ip 1");
        assertTrue(r.index("CALL launch_runs impl_1") > cell, r.text());
        // packaged already: not again
        Run again = tclsh(folder, Map.of(), "vivado/build.tcl", "-ip", "1");
        assertEquals(0, again.exit(), again.text());
        assertEquals(-1, again.index("CALL ipx::package_project"), again.text());
        // the RTL newer than the packaged IP (a regenerated folder keeps vivado/ip/): packaged again
        Path component = folder.resolve("vivado/ip/component.xml");
        Files.setLastModifiedTime(component, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(folder.resolve("rtl/" + top + ".v")).toMillis() - 10_000));
        Run stale = tclsh(folder, Map.of(), "vivado/build.tcl", "-ip", "1");
        assertEquals(0, stale.exit(), stale.text());
        assertTrue(stale.index("CALL ipx::package_project") >= 0, stale.text());
        Run bad = tclsh(folder, Map.of(), "vivado/build.tcl", "-ip", "yes");
        assertEquals(2, bad.exit(), bad.text());
        assertTrue(bad.text().contains("ODEGen build: -ip takes 0 or 1, not 'yes'"), bad.text());
    }
}
