package org.odegen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.odegen.net.NetworkDescription;
import org.odegen.net.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odegen weights}: writes seeded random weights of a network as a safetensors file. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Write seeded random weights of one network as a safetensors file (doc/user-guide.md names its tensors).")
final class WeightsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetworkChoice choice;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "the .safetensors file to write")
    Path out;

    @Option(names = "--model", description = "a network.json (MODEL.md): weights of the network it describes, "
            + "instead of --variant and --depth")
    Path model;

    @Override
    public Integer call() throws Exception {
        NetworkDescription net = choice.description(model, spec.commandLine().getParseResult());
        Weights w = Weights.random(net, seed);
        w.write(out);
        spec.commandLine().getErr().printf("%s: %d tensors, %d parameters -> %s%n", w.networkName(), w.tensors().size(),
                w.parameterCount(), out);
        return 0;
    }
}
