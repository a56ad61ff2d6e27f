package org.odegen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.odegen.fixed.QFormat;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkDescription;
import org.odegen.net.ParameterBlob;
import org.odegen.net.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code odegen blob}: the parameter blob (NETWORK.md's order) of any description's weights, as
 * hex words, one a line. A bad description, weights that do not match it (the message names the
 * tensor) or a bad option is one line {@code odegen blob: error: ...}, exit 2, and no file.
 */
@Command(name = "blob", mixinStandardHelpOptions = true,
        description = "Write the parameter blob (NETWORK.md's order) of a description's weights as hex words.")
final class BlobCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "the network description (network.json, MODEL.md)")
    Path model;

    @Option(names = "--weights", required = true, description = "the weights, a safetensors file with the description's tensor names")
    Path weights;

    @Option(names = "--norm", description = "batch-stats or folded (default: the description's)")
    String norm;

    @Option(names = "--format", defaultValue = "Q32.20", description = "number format QW.F (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", required = true, description = "the hex file to write (one 32-bit word a line)")
    Path out;

    @Override
    public Integer call() throws Exception {
        QFormat q = QFormat.parse(format);
        NetworkDescription d = NetworkDescription.read(model);
        NormMode mode = norm == null ? d.norm() : NormMode.parse(norm);
        Weights w = Weights.read(d, weights, mode == NormMode.FOLDED);
        int[] blob = ParameterBlob.of(new Network(w, mode, q));
        HexWords.write(out, blob);
        spec.commandLine().getErr().printf("%s: %d words (%s, %s) -> %s%n", model.getFileName(), blob.length,
                mode.id(), q, out);
        return 0;
    }
}
