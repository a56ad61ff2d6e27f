package org.odegen.cli;

import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import picocli.CommandLine.Option;

/**
 * {@code --network} and {@code --depth}: which network of the zoo, named as {@code generate} names them (and
 * {@code mvn generate -Dnetwork -Ddepth}); {@code --variant} and {@code -N}, the names of the paper's tables, are the
 * same options.
 */
final class NetworkChoice {
    @Option(names = {"--network", "--variant"}, defaultValue = "rodenet-3",
            description = "resnet, odenet, rodenet-1, rodenet-2, rodenet-1+2, rodenet-3, hybrid-3 (default: ${DEFAULT-VALUE})")
    String variant;

    @Option(names = {"--depth", "-N"}, defaultValue = "20", description = "N: 20, 32, 44 or 56 (default: ${DEFAULT-VALUE})")
    int depth;

    NetworkSpec spec() {
        return NetworkSpec.of(Variant.parse(variant), depth);
    }

    /**
     * The network of {@code model} (a network.json) when given, else the zoo network of --variant and --depth; the file
     * and those options do not go together (refused when named, even at their defaults).
     */
    NetworkDescription description(java.nio.file.Path model, picocli.CommandLine.ParseResult given)
            throws java.io.IOException {
        if (model == null) {
            return NetworkDescription.zoo(spec());
        }
        for (String o : new String[] {"--network", "--depth"}) {
            if (given.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " and --model do not go together: the file describes the network");
            }
        }
        return NetworkDescription.read(model);
    }
}
