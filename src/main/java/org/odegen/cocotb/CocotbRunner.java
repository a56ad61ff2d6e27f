package org.odegen.cocotb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.rtl.BlockSimulator;
import org.odegen.rtl.RtlBlock;
import org.python.core.PyException;
import org.python.core.PyString;
import org.python.core.PySystemState;
import org.python.util.PythonInterpreter;

/**
 * Runs a cocotb-style Python test bench (Jython 2.7) against the Verilated ODEBlock, inside this JVM.
 *
 * <p>The bridge is in-process: the Python scheduler ({@code testbench/python/cocotb}) calls
 * an {@link RtlBlock}, the Verilated model reached over SpinalSim's JNI door. No simulator
 * process, no socket: a port read or write is one Java call.
 */
public final class CocotbRunner {
    /** Where the {@code cocotb} and {@code odegen} Python packages live on the class path. */
    static final String PYTHON_PATH = "__pyclasspath__/testbench/python";

    /** The example test benches, importable by others ({@code from test_odeblock import OdeBlockTB}). */
    static final String EXAMPLES_PATH = "__pyclasspath__/testbench";

    private static boolean initialized;

    private CocotbRunner() {
    }

    /**
     * Builds (or takes from the cache under {@code workspace}) the block of {@code design}, then runs
     * every {@code @cocotb.test()} of {@code testbench} on it, in order; {@code log} gets cocotb's log.
     */
    public static List<TestResult> run(Path testbench, OdeBlockDesign design, int seed, Map<String, String> plusargs,
            Path workspace, OutputStream log) throws IOException {
        checkTestbench(testbench);
        RtlBlock sim = BlockSimulator.verilator().open(design.block(), design.lanes(), design.solver(),
                workspace, seed);
        try {
            return run(testbench, sim, seed, plusargs, log);
        } finally {
            sim.close();
        }
    }

    /** Refuses a test bench that is not a readable .py file, naming it. */
    public static void checkTestbench(Path testbench) {
        if (!Files.isRegularFile(testbench)) {
            throw new IllegalArgumentException("test bench '" + testbench + "' is not a file");
        }
        if (!testbench.getFileName().toString().endsWith(".py")) {
            throw new IllegalArgumentException("test bench '" + testbench + "' is not a Python file (.py)");
        }
    }

    /** Runs the test bench on an open block. */
    public static List<TestResult> run(Path testbench, RtlBlock sim, int seed, Map<String, String> plusargs,
            OutputStream log) {
        initialize();
        PySystemState state = new PySystemState();
        state.path.append(new PyString(PYTHON_PATH));
        state.path.append(new PyString(EXAMPLES_PATH));
        Path dir = testbench.toAbsolutePath().getParent();
        state.path.append(new PyString(dir.toString()));
        List<TestResult> results = new ArrayList<>();
        try (PythonInterpreter py = new PythonInterpreter(null, state)) {
            py.setOut(log);
            py.setErr(log);
            py.set("_sim", sim);
            py.set("_path", testbench.toAbsolutePath().toString());
            py.set("_seed", seed);
            py.set("_results", results);
            py.set("_plusargs", plusargs);
            py.exec("import sys\n"
                    + "from org.odegen.cocotb import TestResult\n"
                    + "from cocotb.regression import run_module\n"
                    + "run_module(_path, _sim, _seed, _results, dict(_plusargs), TestResult, sys.stdout)\n");
        } catch (PyException e) {
            // a test bench that does not load (syntax, imports, no tests) is bad input: one message, Python's own
            throw new IllegalArgumentException("test bench " + testbench.getFileName() + " could not run:\n" + e, e);
        }
        return results;
    }

    private static synchronized void initialize() {
        if (initialized) {
            return;
        }
        Properties props = new Properties();
        props.setProperty("python.cachedir.skip", "true");
        props.setProperty("python.import.site", "false");
        props.setProperty("python.console.encoding", "UTF-8");
        PythonInterpreter.initialize(System.getProperties(), props, new String[0]);
        initialized = true;
    }
}
