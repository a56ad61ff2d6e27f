package org.odegen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.BlockParams;
import org.odegen.model.FixedMap;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.model.OdeBlock;
import org.odegen.model.OdeSolver;
import org.odegen.net.Cifar100;
import org.odegen.net.Cifar100Test;
import org.odegen.net.ImageSet;

class CommandLineTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void networkEngineRefusesBadInputWithOneLineAndNoFolder() {
        Path out = dir.resolve("engine");
        String[][] bad = {
            {"--network", "rodenet-9", "unknown; valid: resnet, odenet"},
            {"--depth", "21", "depth N = 21 is not one of the paper's; valid: 20, 32, 44, 56"},
            {"--lanes", "3", "lanes = 3 cannot be used by the network engine; valid: [1, 2, 4, 8, 16, 32, 64]"},
            {"--format", "Q40.20", "Q40.20"},
            {"--solver", "midpoint", "solver 'midpoint' is not valid; valid: euler, heun, rk4"},
        };
        for (String[] b : bad) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("generate", "--network", "rodenet-3",
                    "--depth", "20", "--lanes", "16", "--out", out.toString()));
            int at = args.indexOf(b[0]);
            if (at < 0) {
                args.addAll(java.util.List.of(b[0], b[1]));
            } else {
                args.set(at + 1, b[1]);
            }
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(b[2]), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(out), "no folder after " + b[1]);
        }
        Run proc = run("generate", "--network", "rodenet-3", "--depth", "20", "--lanes", "16", "--out", "/proc/nope/engine");
        assertEquals(2, proc.exit(), proc.err());
        assertTrue(proc.err().contains("output folder /proc/nope/engine cannot be written"), proc.err());
        assertEquals(1, proc.err().strip().lines().count(), "one line: " + proc.err());
    }

    /** --model (a network.json): the engine of a zoo network from its file equals --network's; the rest refused. */
    @Test
    void modelFileDescribesTheNetworkForGenerateNetworkAndWeights() throws Exception {
        var zoo = org.odegen.net.NetworkDescription.zoo(org.odegen.net.NetworkSpec.of(org.odegen.net.Variant.RODENET_3, 20),
                org.odegen.model.NormMode.FOLDED, org.odegen.model.OdeSolver.HEUN);
        Path file = Files.writeString(dir.resolve("r3.json"), zoo.canonicalJson().replace("\n", " "));
        Run a = run("generate", "--model", file.toString(), "--lanes", "4", "--out", dir.resolve("a").toString());
        assertEquals(0, a.exit(), a.err());
        Run b = run("generate", "--network", "rodenet-3", "--depth", "20", "--norm", "folded", "--solver", "heun",
                "--lanes", "4", "--out", dir.resolve("b").toString());
        assertEquals(0, b.exit(), b.err());
        try (var files = Files.walk(dir.resolve("b"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = dir.resolve("b").relativize(f);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(dir.resolve("a").resolve(rel)), rel.toString());
            }
        }
        Path custom = Files.writeString(dir.resolve("digits.json"), """
                {"input": [1, 8, 8], "classes": 10, "norm": "batch-stats", "layers": [
                  {"kind": "stem", "out": 8, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "ode1", "steps": 3},
                  {"kind": "res", "name": "down", "out": 16, "stride": 2, "shortcut": "B"},
                  {"kind": "fc", "name": "fc"}]}""");
        Path bad = Files.writeString(dir.resolve("bad.json"), Files.readString(custom).replace("\"steps\": 3", "\"steps\": 0"));
        // a 64-column image: a valid description the engine's column counters do not reach
        Path wide = Files.writeString(dir.resolve("wide.json"), Files.readString(custom)
                .replace("[1, 8, 8]", "[1, 8, 64]"));
        String[][] refused = {
            {"generate", "--model", wide.toString(), "input: the image's 8 x 64 has a side outside 1..63"},
            {"generate", "--model", bad.toString(), "layer 1 (ode1): steps = 0 must be at least 1"},
            {"generate", "--model", dir.resolve("none.json").toString(), "none.json: no such file"},
            {"generate", "--model", file.toString(), "--network", "rodenet-3", "--network and --model do not go together"},
            {"generate", "--model", file.toString(), "--solver", "rk4", "--solver and --model do not go together"},
            {"generate", "--model", file.toString(), "--norm", "folded", "--norm and --model do not go together"},
            {"generate", "--model", file.toString(), "--layer", "layer1", "--layer and --model do not go together"},
            {"network", "--model", file.toString(), "--variant", "odenet", "--network and --model do not go together"},
            {"weights", "--model", bad.toString(), "--out", dir.resolve("w.safetensors").toString(), "steps = 0"},
        };
        for (String[] r : refused) {
            Path out = dir.resolve("refused");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(r).subList(0, r.length - 1));
            if (args.get(0).equals("generate")) {
                args.addAll(java.util.List.of("--out", out.toString()));
            }
            Run x = run(args.toArray(String[]::new));
            assertEquals(2, x.exit(), args + ": " + x.err());
            assertTrue(x.err().contains(r[r.length - 1]), args + ": " + x.err());
            assertEquals(1, x.err().strip().lines().count(), "one line: " + x.err());
            assertFalse(Files.exists(out), "no folder: " + args);
        }
        assertFalse(Files.exists(dir.resolve("w.safetensors")));
        Run table = run("network", "--model", custom.toString());
        assertEquals(0, table.exit(), table.err());
        var d = org.odegen.net.NetworkDescription.read(custom);
        assertTrue(table.out().contains("custom: 1x8x8 -> 10 classes, batch-stats, NETWORK_ID " + d.networkIdHex()), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("total") && l.endsWith(" " + d.params())), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("down ") && l.contains("16x4x4")), table.out());
        Run w = run("weights", "--model", custom.toString(), "--seed", "4", "--out", dir.resolve("w.safetensors").toString());
        assertEquals(0, w.exit(), w.err());
        assertEquals(d.params(), org.odegen.net.Weights.read(d, dir.resolve("w.safetensors"), true).parameterCount());
    }

    /** --weights: the engine folder's golden vectors are the user's network's; weights of another network refused. */
    @Test
    void generateWithWeightsWritesTheirGoldenVectors() throws Exception {
        Path w = dir.resolve("r3.safetensors");
        assertEquals(0, run("weights", "--variant", "rodenet-3", "--seed", "9", "--out", w.toString()).exit());
        Run g = run("generate", "--network", "rodenet-3", "--depth", "20", "--lanes", "4", "--norm", "folded",
                "--weights", w.toString(), "--out", dir.resolve("e").toString());
        assertEquals(0, g.exit(), g.err());
        var spec = org.odegen.net.NetworkSpec.of(org.odegen.net.Variant.RODENET_3, 20);
        var net = new org.odegen.net.Network(org.odegen.net.Weights.read(spec, w, true), org.odegen.model.NormMode.FOLDED,
                org.odegen.fixed.QFormat.Q32_20);
        var v = org.odegen.emit.NetworkTestbenchWriter.vectors(net, org.odegen.emit.NetworkGenerator.VECTOR_SEED);
        assertArrayEquals(v.logits(), org.odegen.model.HexWords.read(dir.resolve("e/testbench/vectors/logits.hex"),
                org.odegen.fixed.QFormat.Q32_20, 100, "logits"), "the logits of the user's weights");
        assertTrue(Files.readString(dir.resolve("e/manifest.json")).contains("\"vectorWeights\" : \"r3.safetensors\""));
        Path other = dir.resolve("resnet.safetensors");
        assertEquals(0, run("weights", "--variant", "resnet", "--out", other.toString()).exit());
        String[][] refused = {
            {"--network", "rodenet-3", "--weights", other.toString(), "tensor 'layer3_2.0.conv1.weight' has shape [64, 64, 3, 3], rODENet-3-20 needs [64, 65, 3, 3]"},
            {"--network", "rodenet-3", "--weights", dir.resolve("none.safetensors").toString(), "none.safetensors: no such file"},
            {"--layer", "layer1", "--weights", w.toString(), "--weights needs --network or --model"},
        };
        for (String[] r : refused) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("generate", "--lanes", "4", "--out",
                    dir.resolve("x").toString()));
            args.addAll(java.util.List.of(r).subList(0, r.length - 1));
            Run x = run(args.toArray(String[]::new));
            assertEquals(2, x.exit(), args + ": " + x.err());
            assertTrue(x.err().contains(r[r.length - 1]), args + ": " + x.err());
            assertEquals(1, x.err().strip().lines().count(), "one line: " + x.err());
            assertFalse(Files.exists(dir.resolve("x")), "no folder: " + args);
        }
    }

    /** An engine the XC7Z020 cannot hold, or lanes a network's maps cannot be spread over: one line, no folder. */
    @Test
    void generateRefusesWhatTheChipCannotHold() throws Exception {
        Path big = Files.writeString(dir.resolve("big.json"), """
                {"input": [3, 32, 32], "classes": 10, "norm": "batch-stats", "layers": [
                  {"kind": "stem", "out": 128, "conv": "conv1", "bn": "bn1"},
                  {"kind": "ode", "name": "ode", "steps": 1},
                  {"kind": "fc", "name": "fc"}]}""");
        String[][] refused = {
            {"--network", "rodenet-3", "--lanes", "64", "OdeNetwork_rodenet_3_20_x64 does not fit the XC7Z020: its 64 "
                + "lanes of 32-bit multiply-adds need 256 DSP48E1 (4 a lane), the chip has 220"},
            {"--model", big.toString(), "--lanes", "16", "BRAM36 (the largest map 8192 words a lane, three buffers), the "
                + "chip has 140; use fewer lanes, a narrower format or smaller maps"},
            {"--model", "examples/networks/digits-8x8.json", "--lanes", "32", "the engine cannot spread this network over "
                + "32 lanes: pool: reads a map of 2 regions, it needs one; try 16 lanes"},
        };
        for (String[] r : refused) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("generate", "--out",
                    dir.resolve("x").toString()));
            args.addAll(java.util.List.of(r).subList(0, r.length - 1));
            Run x = run(args.toArray(String[]::new));
            assertEquals(2, x.exit(), args + ": " + x.err());
            assertTrue(x.err().contains(r[r.length - 1]), args + ": " + x.err());
            assertEquals(1, x.err().strip().lines().count(), "one line: " + x.err());
            assertFalse(Files.exists(dir.resolve("x")), "no folder: " + args);
        }
    }

    @Test
    void generateRefusesOptionsThatDoNotGoTogether() {
        Path out = dir.resolve("g");
        // each pair used to be taken with one option silently dropped (or, for the format, half of each)
        String[][] bad = {
            {"--layer and --network do not go together: --network generates a whole network engine, --layer one "
                    + "ODEBlock; give one of them", "--layer", "layer1", "--network", "rodenet-3"},
            // the default values, named: refused all the same, since "given" is what the user typed
            {"--layer and --network", "--network", "rodenet-3", "--depth", "20", "--layer", "layer3_2"},
            {"--time-channel and --network do not go together: the network engine's ODEBlocks always have the time "
                    + "channel; drop --time-channel, or --network for one ODEBlock", "--network", "rodenet-3", "--time-channel", "false"},
            {"--time-channel and --network", "--network", "rodenet-3", "--time-channel=true"},
            {"--depth needs --network: it is the depth N (20, 32, 44, 56) of a network engine; without --network, "
                    + "generate writes one ODEBlock (--layer)", "--layer", "layer1", "--depth", "33"},
            {"--depth needs --network", "--depth", "20"},
            {"--format and --width do not go together: give --format=QW.F, or --width=W and --frac=F", "--format", "Q16.10",
                "--width", "24"},
            {"--format and --frac do not go together", "--frac", "20", "--format", "Q32.20"},
            {"--format and --width do not go together", "--network", "rodenet-3", "--format", "Q16.10", "--width", "24"},
        };
        for (String[] b : bad) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("generate", "--out", out.toString()));
            args.addAll(java.util.Arrays.asList(b).subList(1, b.length));
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("odegen generate: error: " + b[0]), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(out), "no folder after " + String.join(" ", args));
        }
        // the cocotb command shares the ODEBlock's options, and the rule on the format
        Run cocotb = run("cocotb", "testbench/test_odeblock.py", "--format", "Q16.10", "--frac", "8");
        assertEquals(2, cocotb.exit(), cocotb.err());
        assertTrue(cocotb.err().startsWith("odegen cocotb: error: --format and --frac do not go together"), cocotb.err());
        // --width and --frac without --format still go together: this gets as far as the format's own check
        Run wide = run("generate", "--layer", "layer1", "--width", "40", "--frac", "20", "--out", out.toString());
        assertEquals(2, wide.exit(), wide.err());
        assertFalse(wide.err().contains("do not go together"), wide.err());
        assertTrue(wide.err().contains("Q40.20"), wide.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void unknownCommandOptionAndNoCommandAreOneLineAndExitTwo() {
        Run gen = run("gen");
        assertEquals(2, gen.exit(), gen.err());
        assertEquals("odegen: error: unknown command 'gen' (did you mean generate?); the commands are: generate, cosim, "
                + "network, block, weights, blob, evaluate, agreement, ladder, cocotb, report", gen.err().strip());
        Run lane = run("generate", "--lane", "4");
        assertEquals(2, lane.exit(), lane.err());
        assertEquals("odegen generate: error: unknown option '--lane' (did you mean --lanes?); the options are in "
                + "odegen generate --help", lane.err().strip());
        Run extra = run("network", "extra");
        assertEquals(2, extra.exit(), extra.err());
        assertEquals(1, extra.err().strip().lines().count(), extra.err());
        assertTrue(extra.err().startsWith("odegen network: error: unexpected argument 'extra'"), extra.err());
        Run none = run();
        assertEquals(2, none.exit(), "no command is a usage error");
        assertTrue(none.err().startsWith("odegen: error: no command; the commands are: generate") && none.err().strip().lines().count() == 1, none.err());
        assertEquals("", none.out());
        Run help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: odegen"), help.out());
    }

    @Test
    void cocotbRefusesBadInputWithOneLine() throws Exception {
        Run missing = run("cocotb", dir.resolve("nope.py").toString(), "--layer", "layer3_2", "--lanes", "16");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("test bench") && missing.err().contains("is not a file"), missing.err());
        Path txt = Files.writeString(dir.resolve("bench.txt"), "x");
        Run notPython = run("cocotb", txt.toString());
        assertEquals(2, notPython.exit());
        assertTrue(notPython.err().contains("not a Python file"), notPython.err());
        Run lanes = run("cocotb", "testbench/test_odeblock.py", "--layer", "layer1", "--lanes", "3");
        assertEquals(2, lanes.exit());
        assertTrue(lanes.err().contains("lanes") && lanes.err().contains("valid"), lanes.err());
        Run plus = run("cocotb", "testbench/test_odeblock.py", "--plusarg", "novalue");
        assertEquals(2, plus.exit());
        assertTrue(plus.err().contains("KEY=VALUE"), plus.err());
    }

    @Test
    void reportRefusesBadInputWithOneLineAndNoFolder() {
        Path out = dir.resolve("r");
        Run layer = run("report", "--layers", "layer9", "--out", out.toString());
        assertEquals(2, layer.exit());
        assertTrue(layer.err().contains("layer9") && layer.err().contains("layer3_2"), layer.err());
        Run lanes = run("report", "--lanes", "1,3", "--out", out.toString());
        assertEquals(2, lanes.exit());
        assertTrue(lanes.err().contains("lanes 3") && lanes.err().contains("valid: 1, 2, 4, 8, 16, 32"), lanes.err());
        Run clock = run("report", "--clock-mhz", "0", "--out", out.toString());
        assertEquals(2, clock.exit());
        assertTrue(clock.err().contains("clock"), clock.err());
        assertFalse(Files.exists(out), "no report folder after bad input");
    }

    @Test
    void networkAllPrintsFigure5() {
        Run r = run("network", "--all");
        assertEquals(0, r.exit());
        for (String pct : new String[] {"36.24%", "79.54%", "43.29%", "81.80%", "26.43%", "60.16%"}) {
            assertTrue(r.out().contains(pct), pct + " in\n" + r.out());
        }
        Run one = run("network", "--variant", "odenet", "-N", "56");
        assertTrue(one.out().contains("ODENet-56") && one.out().contains("300.54"), one.out());
    }

    @Test
    void blockCommandIsTheGoldenModel() throws Exception {
        BlockConfig cfg = new BlockConfig("block_c4_s4", 4, 4, 4, QFormat.Q32_20, NormMode.FOLDED, true);
        SplittableRandom rng = new SplittableRandom(8);
        int[] params = new int[cfg.paramWords()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (int) rng.nextLong(-(1L << 19), 1L << 19);
        }
        int[] z0 = new int[cfg.featureWords()];
        for (int i = 0; i < z0.length; i++) {
            z0[i] = (int) rng.nextLong(-(2L << 20), 2L << 20);
        }
        HexWords.write(dir.resolve("p.hex"), params);
        HexWords.write(dir.resolve("z.hex"), z0);
        Path out = dir.resolve("out.hex");
        Run r = run("block", "--channels", "4", "--size", "4", "--params", dir.resolve("p.hex").toString(),
                "--input", dir.resolve("z.hex").toString(), "--steps", "3", "--h", "300000", "--t0", "1000",
                "--norm", "folded", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        FixedMap expected = new OdeBlock(cfg, BlockParams.fromStream(cfg, params))
                .run(new FixedMap(4, 4, 4, z0), 3, 300_000, 1000);
        assertArrayEquals(expected.data(), HexWords.read(out, QFormat.Q32_20));
    }

    @Test
    void solverOptionRunsHeunAndRk4AndRefusesOthersWithOneLine() throws Exception {
        BlockConfig cfg = new BlockConfig("block_c4_s4", 4, 4, 4, QFormat.Q32_20, NormMode.BATCH_STATS, true);
        SplittableRandom rng = new SplittableRandom(9);
        BlockParams bp = BlockParams.random(cfg, rng);
        int[] z0 = BlockParams.uniform(rng, cfg.featureWords(), cfg.format(), 2L << 20);
        HexWords.write(dir.resolve("p.hex"), bp.toStream());
        HexWords.write(dir.resolve("z.hex"), z0);
        for (OdeSolver s : new OdeSolver[] {OdeSolver.HEUN, OdeSolver.RK4}) {
            Path out = dir.resolve(s.id() + ".hex");
            Run r = run("block", "--channels", "4", "--size", "4", "--params", dir.resolve("p.hex").toString(),
                    "--input", dir.resolve("z.hex").toString(), "--steps", "2", "--h=-300001", "--t0", "700000",
                    "--solver", s.id(), "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            int[] expected = new OdeBlock(cfg, bp, s).run(new FixedMap(4, 4, 4, z0), 2, -300_001, 700_000).data();
            assertArrayEquals(expected, HexWords.read(out, QFormat.Q32_20), s.id());
            assertFalse(java.util.Arrays.equals(expected, new OdeBlock(cfg, bp).run(new FixedMap(4, 4, 4, z0), 2,
                    -300_001, 700_000).data()), "the solver must change the result");
        }
        Path folder = dir.resolve("g");
        Run bad = run("generate", "--layer", "layer3_2", "--lanes", "16", "--solver", "rk45", "--out", folder.toString());
        assertEquals(2, bad.exit());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("solver 'rk45' is not valid; valid: euler, heun, rk4"), bad.err());
        assertFalse(Files.exists(folder), "no folder after a bad solver");
        Run badBlock = run("block", "--channels", "4", "--size", "4", "--params", dir.resolve("p.hex").toString(),
                "--input", dir.resolve("z.hex").toString(), "--solver", "midpoint", "--out", dir.resolve("m.hex").toString());
        assertEquals(2, badBlock.exit());
        assertTrue(badBlock.err().contains("valid: euler, heun, rk4"), badBlock.err());
        assertFalse(Files.exists(dir.resolve("m.hex")));
    }

    @Test
    void badInputGivesOneErrorLineAndNoOutput() throws Exception {
        HexWords.write(dir.resolve("p.hex"), new int[] {1, 2, 3});
        HexWords.write(dir.resolve("z.hex"), new int[4096]);
        Path out = dir.resolve("out.hex");
        Run r = run("block", "--layer", "layer3_2", "--params", dir.resolve("p.hex").toString(), "--input",
                dir.resolve("z.hex").toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("needs 75136 words, the file has 3"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out));
        Run layer = run("block", "--layer", "layer9", "--params", "p", "--input", "z", "--out", out.toString());
        assertEquals(2, layer.exit());
        assertTrue(layer.err().contains("valid: layer1, layer2_2, layer3_2"), layer.err());
        Run norm = run("network", "-N", "19");
        assertEquals(2, norm.exit());
        assertTrue(norm.err().contains("valid: 20, 32, 44, 56"), norm.err());
        Run unknown = run("network", "--bogus");
        assertEquals(2, unknown.exit());
    }

    @Test
    void weightsThenEvaluateOnASmallDataSet() throws Exception {
        Path w = dir.resolve("r3.safetensors");
        assertEquals(0, run("weights", "--variant", "rodenet-3", "-N", "20", "--seed", "4", "--out", w.toString()).exit());
        Path data = dir.resolve("test.bin");
        Cifar100.write(data, Cifar100Test.samples(4));
        Run r = run("evaluate", "--variant", "rodenet-3", "-N", "20", "--weights", w.toString(), "--data",
                data.toString(), "--norm", "folded");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("rODENet-3-20") && r.out().contains("top-5"), r.out());
        assertTrue(r.err().contains("[4/4]"), r.err());
        Run wrong = run("evaluate", "--variant", "odenet", "-N", "20", "--weights", w.toString(), "--data",
                data.toString());
        assertEquals(2, wrong.exit());
        assertTrue(wrong.err().contains("r3.safetensors") && wrong.err().contains("'layer1.0.conv1.weight' has shape [16, 16, 3, 3]"), wrong.err());
    }

    @Test
    void evaluateADescriptionOnAnImageSetOfItsShape() throws Exception {
        Path digits = Path.of("examples", "networks", "digits-8x8.json");
        SplittableRandom rng = new SplittableRandom(3);
        java.util.List<ImageSet.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] px = new byte[64];
            rng.nextBytes(px);
            samples.add(new ImageSet.Sample(i, px));
        }
        Path set = dir.resolve("set.bin");
        ImageSet.write(set, new ImageSet(1, 8, 8, samples));
        Run r = run("evaluate", "--model", digits.toString(), "--data", set.toString(), "--format", "Q32.20,Q16.10");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("3 images of set.bin (1x8x8)") && r.out().contains("Q16.10:")
                && r.out().contains("float:"), r.out());
        // another shape, or a file that is not an image set: one line, exit 2
        Run wide = run("evaluate", "--model", "examples/networks/mixed-solvers-16x16.json", "--data", set.toString());
        assertEquals(2, wide.exit());
        assertEquals("odegen evaluate: error: image set " + set + " holds 1x8x8 images; the network takes 1x16x16",
                wide.err().strip());
        Path cifar = dir.resolve("test.bin");
        Cifar100.write(cifar, Cifar100Test.samples(1));
        Run bare = run("evaluate", "--model", digits.toString(), "--data", cifar.toString());
        assertEquals(2, bare.exit());
        assertEquals(1, bare.err().strip().lines().count(), bare.err());
        assertTrue(bare.err().contains("no ODEGENIM header"), bare.err());
        Run zoo = run("evaluate", "--data", set.toString(), "--rtl", dir.toString());
        assertEquals(2, zoo.exit());
        assertTrue(zoo.err().contains("--rtl goes with --model"), zoo.err());
    }

    @Test
    void agreementReportsEveryVariant() {
        Run r = run("agreement", "--all", "--images", "1", "-N", "20");
        assertEquals(0, r.exit(), r.err());
        assertEquals(8, r.out().strip().lines().count(), r.out());
        assertTrue(r.out().contains("Hybrid-3-20") && r.out().contains("100.0%"), r.out());
    }
}
