package org.odegen.emit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lint gate of every generated Verilog file: {@code verilator --lint-only -Wall}, silencing only
 * UNUSEDSIGNAL (SpinalHDL's temporaries).
 */
public final class VerilogLint {
    private VerilogLint() {
    }

    /** Lints {@code files} (relative to {@code dir}) with {@code top} as the top module; returns Verilator's output. */
    public static String lint(Path dir, String top, List<String> files) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "-Wno-UNUSEDSIGNAL",
                "--top-module", top));
        cmd.addAll(files);
        Tool.Result r = Tool.run(dir, cmd, 300);
        if (r.exit() != 0) {
            throw new IllegalStateException("verilator --lint-only -Wall failed on " + top + ":\n" + r.output());
        }
        return r.output();
    }
}
