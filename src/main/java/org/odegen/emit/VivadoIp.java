package org.odegen.emit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.odegen.hw.RegisterMap;

/**
 * The packaged Vivado IP of a generated top: the wrapper with Vivado's interface attributes (from
 * {@code rtl-templates/ip_wrapper.v.vm}, written into {@code rtl/}) and {@code vivado/package_ip.tcl}. For the block
 * and, with {@code axiMaster}, for the network engine's AXI4 read master (NETWORK.md).
 */
public final class VivadoIp {
    public static final String VENDOR = "odegen.org";
    public static final String LIBRARY = "odegen";
    /** The IP's version; raise it when a generated top's ports or register map change meaning. */
    public static final String VERSION = "1.0";

    private VivadoIp() {
    }

    /** The wrapper module (and file) of {@code top}. */
    public static String wrapperName(String top) {
        return top + "_ip";
    }

    /** {@code vendor:library:name:version} of the packaged {@code top}. */
    public static String vlnv(String top) {
        return VENDOR + ":" + LIBRARY + ":" + top + ":" + VERSION;
    }

    /** The bus interfaces the wrapper declares, in its port order. */
    public static List<String> busInterfaces(boolean axiMaster) {
        List<String> l = new ArrayList<>(List.of("clk", "resetn", "s_axi_ctrl", "s_axis", "m_axis"));
        if (axiMaster) {
            l.add("m_axi");
        }
        l.add("interrupt");
        return l;
    }

    /** Writes {@code rtl/<top>_ip.v} into {@code rtlDir}; returns its file name. */
    public static String writeWrapper(Path rtlDir, String top, int clockMhz, boolean axiMaster) throws IOException {
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("ipTop", wrapperName(top));
        vars.put("clockHz", (long) clockMhz * 1_000_000L);
        vars.put("axiMaster", axiMaster);
        // every bus interface runs on clk
        vars.put("busifs", String.join(":", busInterfaces(axiMaster).stream()
                .filter(b -> b.startsWith("s_") || b.startsWith("m_")).toList()));
        String file = wrapperName(top) + ".v";
        Templates.render("rtl-templates/ip_wrapper.v.vm", vars, rtlDir.resolve(file));
        return file;
    }

    /**
     * Writes {@code vivado/package_ip.tcl} into {@code vivadoDir}. {@code rtlFiles} are relative to the output folder
     * (the wrapper among them); {@code map} is the top's register map, the one source its RTL decodes:
     * name, offset, access ({@code R}, {@code W}, {@code R/W}), description of each register.
     */
    public static void writePackageScript(Path vivadoDir, String top, String part, List<String> rtlFiles, boolean axiMaster,
                                          RegisterMap map) throws IOException {
        if (!rtlFiles.contains("rtl/" + wrapperName(top) + ".v")) {
            throw new IllegalArgumentException("the files of " + top + " lack its wrapper rtl/" + wrapperName(top) + ".v");
        }
        List<Map<String, Object>> regs = new ArrayList<>();
        for (Map<String, Object> r : map.memoryMap()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.get("name"));
            m.put("offset", String.format(Locale.ROOT, "0x%02X", (Integer) r.get("offset")));
            m.put("access", switch ((String) r.get("access")) {
                case "R" -> "read-only";
                case "W" -> "write-only";
                case "R/W" -> "read-write";
                default -> throw new IllegalArgumentException("register " + r.get("name") + ": access "
                        + r.get("access") + " is none of R, W, R/W");
            });
            // braces delimit it in the Tcl list: keep them out
            m.put("description", ((String) r.get("description")).replace("{", "(").replace("}", ")"));
            regs.add(m);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("ipTop", wrapperName(top));
        vars.put("part", part);
        vars.put("vendor", VENDOR);
        vars.put("library", LIBRARY);
        vars.put("version", VERSION);
        vars.put("rtlFiles", rtlFiles);
        vars.put("busInterfaces", busInterfaces(axiMaster));
        vars.put("registers", regs);
        Templates.render("vivado/package_ip.tcl.vm", vars, vivadoDir.resolve("package_ip.tcl"));
    }
}
