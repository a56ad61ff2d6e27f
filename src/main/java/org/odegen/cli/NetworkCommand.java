package org.odegen.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.List;
import org.odegen.net.LayerRow;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen network}: the layer table of a network, or Figure 5 for all of them. */
@Command(name = "network", mixinStandardHelpOptions = true,
        description = "Layer table of one variant and depth (blocks, executions, parameters, kB), "
                + "or with --all the parameter sizes of every variant and depth with the reduction against ResNet (Figure 5).")
final class NetworkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkChoice choice;

    @Option(names = "--all", description = "Figure 5: every variant at every depth")
    boolean all;

    @Option(names = "--model", description = "a network.json (MODEL.md): the layers of the network it describes")
    java.nio.file.Path model;

    @Override
    public Integer call() throws java.io.IOException {
        var out = spec.commandLine().getOut();
        if (all && model != null) {
            throw new IllegalArgumentException("--all and --model do not go together: --all is the zoo's Figure 5");
        }
        if (all) {
            out.print(figure5());
        } else if (model != null) {
            out.print(layerTable(choice.description(model, spec.commandLine().getParseResult())));
        } else {
            out.print(layerTable(choice.spec()));
        }
        out.flush();
        return 0;
    }

    /** The layers of any description: kind, output shape, the ODE layers' steps and solver, parameters. */
    static String layerTable(NetworkDescription d) {
        StringBuilder sb = new StringBuilder();
        sb.append(d.displayName()).append(": ").append(d.input()).append(" -> ").append(d.classes())
                .append(" classes, ").append(d.norm().id()).append(", NETWORK_ID ").append(d.networkIdHex()).append('\n');
        sb.append(String.format(Locale.ROOT, "%-16s %-5s %-11s %-22s %9s%n", "layer", "kind", "output", "steps", "params"));
        List<NetworkDescription.Shape> shapes = d.shapes();
        java.util.Map<String, Long> params = new java.util.HashMap<>();
        for (org.odegen.net.Weights.Slot s : d.tensors()) {
            if (s.isParameter()) {
                params.merge(owner(d, s.name()), org.odegen.net.Tensor.elements(s.shape()), Long::sum);
            }
        }
        for (int i = 0; i < d.layers().size(); i++) {
            NetworkDescription.Layer l = d.layers().get(i);
            NetworkDescription.Shape o = shapes.get(i + 1);
            String steps = l instanceof NetworkDescription.Ode od ? od.steps() + " " + od.solver().id() + " [" + od.t0()
                    + ", " + od.t1() + "]" + (od.time() ? "" : " no t") : "";
            sb.append(String.format(Locale.ROOT, "%-16s %-5s %-11s %-22s %9d%n", l.label(), l.kind(),
                    o.channels() + "x" + o.height() + "x" + o.width(), steps, params.getOrDefault(l.label(), 0L)));
        }
        sb.append(String.format(Locale.ROOT, "%-16s %-5s %-11s %-22s %9d%n", "total", "", "", "", d.params()));
        sb.append(String.format(Locale.ROOT, "multiply-adds of one image: %,d%n", d.multiplyAdds()));
        return sb.toString();
    }

    /** The layer (its label) whose tensor {@code name} is. */
    private static String owner(NetworkDescription d, String name) {
        for (NetworkDescription.Layer l : d.layers()) {
            if (l instanceof NetworkDescription.Stem st && (name.startsWith(st.conv() + ".") || name.startsWith(st.bn() + "."))) {
                return st.label();
            }
            if (!(l instanceof NetworkDescription.Stem) && name.startsWith(l.label() + ".")) {
                return l.label();
            }
        }
        return "";
    }

    static String layerTable(NetworkSpec net) {
        StringBuilder sb = new StringBuilder();
        sb.append(net.name()).append('\n');
        sb.append(String.format(Locale.ROOT, "%-9s %-10s %-10s %9s %10s %8s %10s%n",
                "layer", "output", "block", "instances", "executions", "params", "kB"));
        for (LayerRow r : net.rows()) {
            String shape = r.stage().outSize() == 1 ? "1x" + r.stage().outChannels()
                    : r.stage().outSize() + "x" + r.stage().outSize() + "x" + r.stage().outChannels();
            String kind = r.instances() == 0 ? "-" : r.kind().name().toLowerCase(Locale.ROOT);
            sb.append(String.format(Locale.ROOT, "%-9s %-10s %-10s %9d %10d %8d %10.2f%n", r.stage().id(), shape, kind,
                    r.instances(), r.executions(), r.params(), r.kilobytes()));
        }
        sb.append(String.format(Locale.ROOT, "%-9s %-10s %-10s %9s %10s %8d %10.2f%n", "total", "", "", "", "",
                net.params(), net.kilobytes()));
        return sb.toString();
    }

    static String figure5() {
        StringBuilder sb = new StringBuilder();
        sb.append("Parameter size [kB] and reduction against ResNet-N (Figure 5)\n");
        sb.append(String.format(Locale.ROOT, "%-12s", "variant"));
        for (int n : Variant.DEPTHS) {
            sb.append(String.format(Locale.ROOT, " %20s", "N=" + n));
        }
        sb.append('\n');
        for (Variant v : Variant.values()) {
            sb.append(String.format(Locale.ROOT, "%-12s", v.paperName()));
            for (int n : Variant.DEPTHS) {
                NetworkSpec s = NetworkSpec.of(v, n);
                sb.append(String.format(Locale.ROOT, " %9.2f kB (%6.2f%%)", s.kilobytes(), s.reductionVsResNet()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
