package org.odegen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.odegen.model.PaperLayer;
import org.odegen.report.PaperReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen report}: the paper's figures reproduced and beaten, as Markdown, HTML and plots. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Measure (Verilator cycles, Yosys resources, float/fixed agreement) and write a report folder: "
                + "report.md, index.html, plots/ (PNG, SVG), data/ (CSV).")
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "target/report", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--layers", defaultValue = "layer1,layer2_2,layer3_2", split = ",",
            description = "layers for Table 3 and the cycle sweep (default: ${DEFAULT-VALUE})")
    List<String> layers;

    @Option(names = "--lanes", defaultValue = "1,2,4,8,16,32", split = ",",
            description = "lane counts, those the layer's channels allow (default: ${DEFAULT-VALUE})")
    List<String> lanes;

    @Option(names = "--table5-lanes", defaultValue = "16", description = "lanes of the PL block in Table 5 (default: ${DEFAULT-VALUE})")
    int table5Lanes;

    @Option(names = "--clock-mhz", defaultValue = "100", description = "PL clock for Table 5 (default: ${DEFAULT-VALUE})")
    double clockMhz;

    @Option(names = "--dma-mbps", defaultValue = "200", description = "sustained AXI DMA rate, MB/s (default: ${DEFAULT-VALUE})")
    double dmaMbps;

    @Option(names = "--dma-overhead-us", defaultValue = "50", description = "cost of one DMA transfer, us (default: ${DEFAULT-VALUE})")
    double dmaOverheadUs;

    @Option(names = "--images", defaultValue = "4", description = "random images per variant for the agreement (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = {"--depth", "-N"}, defaultValue = "20", description = "depth for the agreement (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--jobs", defaultValue = "0", description = "parallel syntheses and simulations (default: the cores)")
    int jobs;

    @Option(names = "--cache", defaultValue = "target/report-cache",
            description = "measurements cached by the RTL's hash (default: ${DEFAULT-VALUE})")
    Path cache;

    @Override
    public Integer call() throws Exception {
        List<PaperLayer> ls = new ArrayList<>();
        for (String l : layers) {
            ls.add(PaperLayer.parse(l.trim()));
        }
        List<Integer> ns = new ArrayList<>();
        for (String n : lanes) {
            try {
                ns.add(Integer.parseInt(n.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("lanes '" + n + "' is not a number; valid: 1, 2, 4, 8, 16, 32");
            }
        }
        if (!List.of(1, 2, 4, 8, 16, 32).contains(table5Lanes)) {
            throw new IllegalArgumentException("table5-lanes " + table5Lanes + " is not valid; valid: 1, 2, 4, 8, 16, 32");
        }
        var o = new PaperReport.Options(out, ls, ns, table5Lanes, clockMhz, dmaMbps, dmaOverheadUs, images, depth,
                jobs > 0 ? jobs : Math.max(1, Runtime.getRuntime().availableProcessors()), cache);
        PaperReport.Built b = PaperReport.build(o, System.err);
        spec.commandLine().getOut().printf(Locale.ROOT, "report written to %s (%d s): report.md, index.html, plots/, data/%n",
                Path.of("").toAbsolutePath().relativize(b.folder()), b.seconds());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
