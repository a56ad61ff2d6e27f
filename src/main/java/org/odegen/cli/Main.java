package org.odegen.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code odegen}: the command line of the generator and its golden model. */
@Command(name = "odegen", mixinStandardHelpOptions = true, version = "ODEGen 0.1.0",
        description = "Hardware generator and golden model for ODE-based neural networks (ODENet, rODENet) on PYNQ-Z2.",
        subcommands = {GenerateCommand.class, CosimCommand.class, NetworkCommand.class, BlockCommand.class, WeightsCommand.class, EvaluateCommand.class,
            AgreementCommand.class, LadderCommand.class, CocotbCommand.class, ReportCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with one-line errors for bad input: the problem, then exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof ArithmeticException) {
                err.println("odegen " + line.getCommandName() + ": error: " + ex.getMessage());
                err.flush();
                return ex instanceof java.io.IOException ? 1 : 2;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("odegen " + ex.getCommandLine().getCommandName() + ": error: " + ex.getMessage());
            err.println("(see: odegen " + (ex.getCommandLine().getCommandName().equals("odegen") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help)");
            err.flush();
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
