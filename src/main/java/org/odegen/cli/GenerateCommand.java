package org.odegen.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.dsl.NetworkDesign;
import org.odegen.emit.BlockGenerator;
import org.odegen.emit.Build;
import org.odegen.emit.NetworkGenerator;
import org.odegen.net.NetworkDescription;
import org.odegen.net.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code odegen generate}: the output folder of one ODEBlock configuration (what {@code mvn generate} runs). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate one ODEBlock (target/generated/<layer>_x<lanes>/) or, with --network, a network engine "
                + "(target/generated/<variant>-<N>_x<lanes>/): rtl/ (Verilog), manifest.json, report.md, testbench/.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DesignOptions designOptions;

    @Option(names = "--out", defaultValue = "", description = "output folder (default: target/generated/<layer>_x<lanes>)")
    String out;

    /** Where the default folder (target/generated/...) is: the working folder, or the Maven plugin's project. */
    @Option(names = "--project-dir", hidden = true, defaultValue = "")
    Path projectDir;

    @Option(names = "--force", defaultValue = "false", arity = "0..1", fallbackValue = "true",
            description = "replace an output folder that holds files ODEGen did not write (the tools' build products, "
                    + "such as testbench/obj_dir/ and vivado/overlay/, are kept either way)")
    String force;

    @Option(names = "--estimate", defaultValue = "false", arity = "0..1", fallbackValue = "true",
            description = "run Yosys for the resource estimate (slow)")
    String estimate;

    // null when not given: whether the user named --network decides which other options are allowed
    @Option(names = "--network", description = "generate the network engine of this variant "
            + "(resnet, odenet, rodenet-1, rodenet-2, rodenet-1+2, rodenet-3, hybrid-3) instead of one ODEBlock")
    String network;

    @Option(names = "--depth", description = "the network's depth N: 20, 32, 44 or 56 (with --network; default: 20)")
    String depth;

    @Option(names = "--model", description = "a network.json (MODEL.md): the network engine of the network it describes, "
            + "its norm and solver from the file")
    Path model;

    @Option(names = "--weights", description = "a safetensors file of the network's trained weights: the folder's golden "
            + "vectors and harness run them (default: seeded random weights); with --network or --model")
    Path weights;

    /** Options whose value a network.json carries itself, and why each cannot go with --model. */
    private static final String[][] MODEL_GIVES = {
        {"--network", "the file describes the network; give one of them"},
        {"--depth", "the file describes the network; give one of them"},
        {"--layer", "--model generates a network engine, --layer one ODEBlock; give one of them"},
        {"--time-channel", "each ode layer of the file says whether it has the time channel"},
        {"--norm", "the file's \"norm\" is the network's (it was trained with it)"},
        {"--solver", "each ode layer of the file names its solver"},
    };

    /** Options that only one ODEBlock has, in the order they are checked, and why each cannot go with --network. */
    static final String[][] BLOCK_ONLY = {
        {"--layer", "--network generates a whole network engine, --layer one ODEBlock; give one of them"},
        {"--time-channel", "the network engine's ODEBlocks always have the time channel; drop --time-channel, "
                + "or --network for one ODEBlock"},
    };

    @Override
    public Integer call() throws Exception {
        checkCombination(spec.commandLine().getParseResult());
        if (model != null) {
            return generateNetwork(designOptions.network(NetworkDescription.read(model), model));
        }
        if (network != null) {
            return generateNetwork(designOptions.network(network, depth != null ? depth : "20"));
        }
        OdeBlockDesign design = designOptions.design();
        Path folder = out.isBlank() ? BlockGenerator.defaultFolder(projectDir, design) : Path.of(out);
        checkFolder(folder);
        var err = spec.commandLine().getErr();
        err.printf("generating %s%s ...%n", design.id(), bool("estimate", estimate) ? " with the Yosys estimate" : "");
        err.flush();
        var g = BlockGenerator.generate(design, folder, bool("estimate", estimate), bool("force", force), progress());
        keptLine(g.kept());
        err.printf(Locale.ROOT, "%s: %s, %,d cycles per %s step (%.4fx the multiply-add bound) -> %s%n", design.id(),
                g.top(), g.cyclesPerStep(), design.solver().title(), g.cyclesPerStep() / (double) design.macBoundCyclesPerSolverStep(),
                shown(g.folder()));
        err.flush();
        return 0;
    }

    /** A folder as the user would type it: relative to the working folder when inside it, else absolute. */
    static String shown(Path folder) {
        Path here = Path.of("").toAbsolutePath();
        return folder.startsWith(here) ? here.relativize(folder).toString() : folder.toString();
    }

    /**
     * Refuses options that do not go together, by what the user named (not by values differing from a default):
     * before this, --layer and --time-channel with --network, and --depth without it, were silently dropped.
     */
    private void checkCombination(ParseResult given) {
        if (model != null) {
            for (String[] option : MODEL_GIVES) {
                if (given.hasMatchedOption(option[0])) {
                    throw new IllegalArgumentException(option[0] + " and --model do not go together: " + option[1]);
                }
            }
        } else if (network != null) {
            for (String[] option : BLOCK_ONLY) {
                if (given.hasMatchedOption(option[0])) {
                    throw new IllegalArgumentException(option[0] + " and --network do not go together: " + option[1]);
                }
            }
        } else if (weights != null) {
            throw new IllegalArgumentException("--weights needs --network or --model: they are a network's weights, for "
                    + "its engine's golden vectors; one ODEBlock's vectors use seeded random parameters");
        } else if (depth != null) {
            throw new IllegalArgumentException("--depth needs --network: it is the depth N (20, 32, 44, 56) of a "
                    + "network engine; without --network, generate writes one ODEBlock (--layer)");
        }
        designOptions.checkCombination();
    }

    private int generateNetwork(NetworkDesign design) throws Exception {
        // the weights are read and checked against the network before anything is written
        if (weights != null && !java.nio.file.Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("weights file " + weights + ": " + (java.nio.file.Files.exists(weights)
                    ? "not a file" : "no such file"));
        }
        Weights w = weights == null ? null
                : Weights.read(design.description(), weights, design.norm() == org.odegen.model.NormMode.FOLDED);
        NetworkGenerator.fittingHardware(design); // what the engine cannot run or the chip cannot hold: one line, first
        Path folder = out.isBlank() ? NetworkGenerator.defaultFolder(projectDir, design) : Path.of(out);
        checkFolder(folder);
        var err = spec.commandLine().getErr();
        err.printf("generating the network engine %s%s ...%n", design.id(),
                bool("estimate", estimate) ? " with the Yosys estimate" : "");
        err.flush();
        var g = NetworkGenerator.generate(design, folder, bool("estimate", estimate), w,
                w == null ? null : weights.getFileName().toString(), bool("force", force), progress());
        keptLine(g.kept());
        err.printf(Locale.ROOT, "%s: %s, %,d cycles per image (%.2f ms at 100 MHz, %.4fx the multiply-add bound) -> %s%n",
                design.id(), g.top(), g.cycles(), g.cycles() / 1e5, g.cycles() / (double) g.macBoundCycles(),
                shown(g.folder()));
        err.flush();
        return 0;
    }

    /**
     * A folder that cannot be written, or that holds files ODEGen did not write (without --force), is the one error
     * line, before the progress line and the minutes of elaboration.
     */
    private void checkFolder(Path folder) throws java.io.IOException {
        Build.writableTarget(folder);
        Build.checkReplaceable(folder, bool("force", force));
    }

    /** With --estimate (minutes), a line as each long step starts and ends; otherwise quiet (seconds). */
    private java.util.function.Consumer<String> progress() {
        if (!bool("estimate", estimate)) {
            return line -> { };
        }
        var err = spec.commandLine().getErr();
        return line -> {
            err.println("  " + line);
            err.flush();
        };
    }

    /** Says which of the tools' files a regeneration carried over, so that nobody wonders where they went. */
    private void keptLine(java.util.List<String> kept) {
        if (!kept.isEmpty()) {
            var err = spec.commandLine().getErr();
            err.println("kept the tools' files: " + String.join(", ", kept));
            err.flush();
        }
    }

    static boolean bool(String name, String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " '" + v + "' is not valid; valid: true, false");
        };
    }
}
