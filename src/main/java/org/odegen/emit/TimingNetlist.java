package org.odegen.emit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The netlist as bits and cells, for {@link TimingWalk}: each cell's name, type, parameters and input and output
 * ports (as net bits), each bit's driver and sinks, the design's names of the nets, and the top-level ports. Read
 * from the top module of a Yosys JSON netlist.
 */
final class TimingNetlist {
    /** Output ports of the cells whose netlist entry carries no port directions. */
    private static final Map<String, Set<String>> OUTPUTS = Map.ofEntries(
            Map.entry("DSP48E1", Set.of("P", "PCOUT", "ACOUT", "BCOUT", "CARRYOUT", "CARRYCASCOUT", "MULTSIGNOUT",
                    "PATTERNDETECT", "PATTERNBDETECT", "OVERFLOW", "UNDERFLOW")),
            Map.entry("RAMB36E1", Set.of("DOADO", "DOBDO", "DOPADOP", "DOPBDOP", "CASCADEOUTA", "CASCADEOUTB",
                    "SBITERR", "DBITERR", "ECCPARITY", "RDADDRECC")),
            Map.entry("RAMB18E1", Set.of("DOADO", "DOBDO", "DOPADOP", "DOPBDOP")));

    /** Whether {@code port} is an output of a cell of {@code type}, for netlists written without port directions. */
    private static boolean isOutput(String type, String port) {
        Set<String> known = OUTPUTS.get(type);
        if (known != null) {
            return known.contains(port);
        }
        // LUT, MUXF, CARRY4, flip-flop, I/O and clock buffers, LUT RAM and shift registers
        return Set.of("O", "CO", "Q", "Q31", "SPO", "DPO").contains(port) || port.matches("DO[A-H]");
    }

    /** One pin of one cell (bit {@code bit} of port {@code port}). */
    record Pin(int cell, String port, int bit) {
        String name() {
            return bit < 0 ? port : port + bit;
        }
    }

    // per cell (its index): name, type, parameters, input and output ports (port -> net bits, -1 a constant);
    // per net bit: the pin driving it, the pins it drives, its name; the bits of the top-level ports
    final List<String> names = new ArrayList<>();
    final List<String> types = new ArrayList<>();
    final List<Map<String, String>> params = new ArrayList<>();
    final List<Map<String, int[]>> ins = new ArrayList<>();
    final List<Map<String, int[]>> outs = new ArrayList<>();
    final Map<Integer, Pin> driver = new HashMap<>();
    final Map<Integer, List<Pin>> sinks = new HashMap<>();
    private final Map<Integer, String> netName = new HashMap<>();
    final Set<Integer> topInputs = new java.util.HashSet<>();
    final Set<Integer> topOutputs = new java.util.HashSet<>();

    TimingNetlist(JsonNode module) {
        for (Iterator<Map.Entry<String, JsonNode>> it = module.path("ports").fields(); it.hasNext(); ) {
            var e = it.next();
            Set<Integer> set = e.getValue().path("direction").asText().equals("input") ? topInputs : topOutputs;
            for (JsonNode b : e.getValue().path("bits")) {
                if (b.isInt()) {
                    set.add(b.asInt());
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = module.path("netnames").fields(); it.hasNext(); ) {
            var e = it.next();
            boolean hidden = e.getValue().path("hide_name").asInt() == 1;
            JsonNode bits = e.getValue().path("bits");
            for (int i = 0; i < bits.size(); i++) {
                if (!bits.get(i).isInt()) {
                    continue;
                }
                String n = bits.size() == 1 ? e.getKey() : e.getKey() + "[" + i + "]";
                int b = bits.get(i).asInt();
                String old = netName.get(b);
                // a user's name before Yosys' own; the shorter, then the smaller, for the same output every run
                if (old == null || better(n, hidden, old)) {
                    netName.put(b, (hidden ? "\u0000" : "") + n);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = module.path("cells").fields(); it.hasNext(); ) {
            var e = it.next();
            int id = names.size();
            JsonNode c = e.getValue();
            String type = c.path("type").asText();
            names.add(e.getKey());
            types.add(type);
            Map<String, String> p = new HashMap<>();
            c.path("parameters").fields().forEachRemaining(x -> p.put(x.getKey(), x.getValue().asText()));
            params.add(p);
            Map<String, int[]> in = new HashMap<>();
            Map<String, int[]> out = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> pi = c.path("connections").fields(); pi.hasNext(); ) {
                var port = pi.next();
                JsonNode dir = c.path("port_directions").path(port.getKey());
                boolean output = dir.isMissingNode() ? isOutput(type, port.getKey()) : dir.asText().equals("output");
                int[] bits = new int[port.getValue().size()];
                for (int i = 0; i < bits.length; i++) {
                    JsonNode b = port.getValue().get(i);
                    bits[i] = b.isInt() ? b.asInt() : -1;   // "0", "1", "x": a constant, no timing
                    if (bits[i] >= 0) {
                        Pin pin = new Pin(id, port.getKey(), bits.length == 1 ? -1 : i);
                        if (output) {
                            driver.put(bits[i], pin);
                        } else {
                            sinks.computeIfAbsent(bits[i], k -> new ArrayList<>()).add(pin);
                        }
                    }
                }
                (output ? out : in).put(port.getKey(), bits);
            }
            ins.add(in);
            outs.add(out);
        }
    }

    private static boolean better(String n, boolean hidden, String old) {
        boolean oldHidden = old.startsWith("\u0000");
        String o = oldHidden ? old.substring(1) : old;
        if (hidden != oldHidden) {
            return !hidden;
        }
        return n.length() != o.length() ? n.length() < o.length() : n.compareTo(o) < 0;
    }

    String net(int bit) {
        String n = netName.get(bit);
        if (n == null) {
            return "net" + bit;
        }
        if (!n.startsWith("\u0000")) {
            return n;
        }
        // Yosys' own names: keep what says where the cell came from, drop the pass bookkeeping
        return n.substring(1).replaceAll("\\$abc\\$\\d+\\$auto\\$blifparse\\.cc:\\d+:parse_blif\\$", "\\$abc\\$")
                .replaceAll("\\$techmap\\d+", "").replaceAll("(genblk1\\.)+", "")
                .replaceAll("\\$auto\\$alumacc\\.cc:\\d+:replace_alu\\$", "\\$alu\\$");
    }

    int param(int cell, String name, int dflt) {
        String v = params.get(cell).get(name);
        if (v == null) {
            return dflt;
        }
        if (v.matches("[01]+")) {
            return (int) Long.parseLong(v.length() > 62 ? v.substring(v.length() - 62) : v, 2);
        }
        return v.matches("-?\\d+") ? Integer.parseInt(v) : dflt;
    }
}
