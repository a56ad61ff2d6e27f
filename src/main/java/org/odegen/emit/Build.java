package org.odegen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The build of one output folder as a list of named steps, each naming its products: the files and folders it
 * writes, relative to the output folder, a folder written with a trailing {@code /} (FINN's builds of named
 * steps with named products). The steps run in order in a staging folder beside the target, which then
 * replaces the target whole: the folder is written completely or not at all, and an earlier one stays until
 * the new one is complete. Each step must write all its products and nothing else, so that the list of steps
 * says what the folder holds and a new product is one more name in its step's list.
 */
public final class Build {
    /** What a step does: writes its products into the staging folder. */
    @FunctionalInterface
    public interface Action {
        void run(Path folder) throws IOException;
    }

    /** One named step: its products and what writes them. */
    public record Step(String name, List<String> products, Action action) {
        public Step {
            if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("step name '" + name + "' is not a lower-case word");
            }
            for (String p : products) {
                String path = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
                if (path.isEmpty() || path.startsWith("/") || path.contains("\\")
                        || Stream.of(path.split("/")).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
                    throw new IllegalArgumentException("product '" + p + "' of step '" + name
                            + "' is not a relative path inside the folder");
                }
            }
            products = List.copyOf(products);
        }

        /** Whether {@code file} (relative, {@code /}-separated) is one of the products or lies in one of them. */
        public boolean owns(String file) {
            return products.stream().anyMatch(p -> p.endsWith("/") ? file.startsWith(p) : file.equals(p));
        }
    }

    private final List<Step> steps = new ArrayList<>();

    /** Adds a step after the others; the same product cannot belong to two steps. */
    public Build step(String name, List<String> products, Action action) {
        Step added = new Step(name, products, action);
        for (Step s : steps) {
            if (s.name().equals(name)) {
                throw new IllegalArgumentException("two steps are named '" + name + "'");
            }
            for (String p : added.products()) {
                if (s.products().stream().anyMatch(q -> overlap(p, q))) {
                    throw new IllegalArgumentException("product '" + p + "' of step '" + name + "' overlaps those of step '"
                            + s.name() + "' " + s.products());
                }
            }
        }
        steps.add(added);
        return this;
    }

    /** The same path, or one inside the other's folder. */
    private static boolean overlap(String a, String b) {
        String x = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
        String y = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        return x.equals(y) || y.startsWith(x + "/") || x.startsWith(y + "/");
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** Every product, in the order of the steps. */
    public List<String> products() {
        return steps.stream().flatMap(s -> s.products().stream()).toList();
    }

    /**
     * Runs the steps in a staging folder beside {@code folder}, checks each one's products, then moves the staging
     * folder to {@code folder} (its build products carried over), refusing a folder that holds files ODEGen did not
     * write ({@link #checkReplaceable}). Returns the absolute folder. If a step fails or the run is interrupted,
     * nothing is left behind and {@code folder} is as it was.
     */
    public Path run(Path folder) throws IOException {
        return run(folder, false).folder();
    }

    /** What a run wrote: the absolute folder, and the build products it carried over from the earlier one. */
    public record Result(Path folder, List<String> kept) {
    }

    /** {@link #run(Path)}; {@code force} replaces a folder that holds files ODEGen did not write (its build products kept). */
    public Result run(Path folder, boolean force) throws IOException {
        Path target = writableTarget(folder);
        Survey survey = checkReplaceable(folder, force);
        // Ctrl-C: no staging folder is left behind (the hook is in place before the folder exists)
        java.util.concurrent.atomic.AtomicReference<Path> staged = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cleanup = new Thread(() -> {
            Path s = staged.get();
            if (s != null) {
                deleteQuietly(s);
            }
        }, "odegen-stage-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Path stage;
        try {
            stage = createStage(target, "");
            staged.set(stage);
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            throw e;
        }
        try {
            TreeSet<String> before = new TreeSet<>();
            for (Step s : steps) {
                s.action().run(stage);
                for (String p : s.products()) {
                    Path at = stage.resolve(p);
                    if (p.endsWith("/") ? !Files.isDirectory(at) : !Files.isRegularFile(at)) {
                        throw new IllegalStateException("step '" + s.name() + "' did not write its product " + p);
                    }
                }
                TreeSet<String> after = files(stage);
                for (String f : after) {
                    if (!before.contains(f) && !s.owns(f)) {
                        throw new IllegalStateException("step '" + s.name() + "' wrote " + f + ", which is not among its "
                                + "products " + s.products() + ": name it there");
                    }
                }
                before = after;
            }
            for (String k : survey.kept()) {
                if (Files.exists(stage.resolve(k), LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalStateException("the build product " + k + " is also one of the generated files");
                }
            }
            Files.writeString(stage.resolve(RECORD), record(before), StandardCharsets.UTF_8);
            replace(stage, target, survey.kept());
            return new Result(target, survey.kept());
        } finally {
            if (Files.exists(stage)) {
                deleteTree(stage);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
        }
    }

    /**
     * The file in every output folder that lists the files ODEGen wrote there, one a line: a later run replaces
     * those, keeps the build products ({@link #TOOL_PRODUCTS}) and stops at anything else.
     */
    public static final String RECORD = "odegen-files.txt";

    /**
     * What the tools of an output folder write into it (Verilator's and cocotb's builds, a waveform, Vivado's runs,
     * reports, overlay, packaged IP, journals and logs, Python's caches): never written by ODEGen, never deleted
     * by it; a run carries them into the new folder. Globs relative to the folder; a trailing {@code /} is a folder.
     */
    public static final List<String> TOOL_PRODUCTS = List.of(
            "testbench/obj_dir/", "testbench/obj_trace/", "testbench/*.fst",
            "testbench/cocotb/sim_build/", "testbench/cocotb/results.xml", "testbench/cocotb/*.fst",
            "vivado/build/", "vivado/reports/", "vivado/overlay/", "vivado/ip/", "vivado/ip_project/",
            ".Xil/", "vivado*.jou", "vivado*.log", "vivado/.Xil/", "vivado/vivado*.jou", "vivado/vivado*.log",
            "{**/,}__pycache__/");

    /** An existing folder's files that are not ODEGen's (in its record): the tools' build products, anything else. */
    record Survey(List<String> kept, List<String> foreign) {
    }

    /**
     * Refuses, in one line naming some of them, an existing {@code folder} that holds files ODEGen did not write
     * (neither in its {@link #RECORD} nor build products), unless {@code force}: they would be lost. Returns what the
     * folder holds, the build products as the topmost path to carry over (a folder with a trailing {@code /}).
     */
    public static Survey checkReplaceable(Path folder, boolean force) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(target)) {
            return new Survey(List.of(), List.of());
        }
        Set<String> recorded = new HashSet<>();
        Path record = target.resolve(RECORD);
        if (Files.isRegularFile(record)) {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    recorded.add(line.strip());
                }
            }
            recorded.add(RECORD);
        }
        List<PathMatcher> folders = new ArrayList<>();
        List<PathMatcher> files = new ArrayList<>();
        for (String t : TOOL_PRODUCTS) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + (t.endsWith("/") ? t.substring(0, t.length() - 1) : t));
            (t.endsWith("/") ? folders : files).add(m);
        }
        List<String> kept = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                Path rel = target.relativize(dir);
                if (!dir.equals(target) && folders.stream().anyMatch(m -> m.matches(rel))) {
                    kept.add(slashed(rel) + "/");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path rel = target.relativize(file);
                String name = slashed(rel);
                if (recorded.contains(name)) {
                    return FileVisitResult.CONTINUE; // ODEGen's: replaced
                }
                if (files.stream().anyMatch(m -> m.matches(rel))) {
                    kept.add(name);
                } else {
                    foreign.add(name);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(kept);
        Collections.sort(foreign);
        if (!foreign.isEmpty() && !force) {
            String some = String.join(", ", foreign.subList(0, Math.min(3, foreign.size())))
                    + (foreign.size() > 3 ? " and " + (foreign.size() - 3) + " more" : "");
            throw new IllegalArgumentException("output folder " + folder + " holds " + foreign.size() + " file"
                    + (foreign.size() == 1 ? "" : "s") + " ODEGen did not write (" + some + "), left as it is: give "
                    + "another --out, or --force to replace it (its build products, such as testbench/obj_dir/ and "
                    + "vivado/overlay/, are kept)");
        }
        return new Survey(kept, foreign);
    }

    private static String slashed(Path rel) {
        return rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
    }

    /** The record's text: a comment line, then the files, sorted. */
    static String record(Iterable<String> written) {
        StringBuilder b = new StringBuilder("# The files ODEGen wrote in this folder: generating again replaces them and keeps "
                + "the build products (obj_dir, Vivado's runs); any other file stops it.\n");
        for (String f : written) {
            b.append(f).append('\n');
        }
        return b.toString();
    }

    /** A new folder beside {@code target} (permissions by the umask), or one error naming the folder and why. */
    private static Path createStage(Path target, String kind) {
        Path parent = target.getParent();
        for (int attempt = 0; ; attempt++) {
            Path stage = parent.resolve("." + target.getFileName() + "-" + kind + Long.toUnsignedString(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36));
            try {
                return Files.createDirectory(stage);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw new IllegalStateException("no free staging name beside " + target);
                }
            } catch (IOException | SecurityException e) {
                String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                        : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                        : e instanceof java.nio.file.NoSuchFileException ? "the file system refuses it"
                        : e.getClass().getSimpleName();
                throw new IllegalArgumentException("output folder " + target + " cannot be written: no new folder can be "
                        + "made in " + parent + " (" + why + ")");
            }
        }
    }

    private static void deleteQuietly(Path root) {
        for (int i = 0; i < 3 && Files.exists(root, LinkOption.NOFOLLOW_LINKS); i++) {
            try {
                deleteTree(root);
            } catch (IOException | RuntimeException e) {
                // a step still writing into it: try again
            }
        }
    }

    /** The files under {@code root}, relative and {@code /}-separated, sorted. */
    static TreeSet<String> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /**
     * The absolute output folder, once its parent exists and can be written: otherwise one error naming the
     * folder and why, before anything is elaborated or written.
     */
    public static Path writableTarget(Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("output folder " + folder + " cannot be written: its parent " + parent
                    + " cannot be created (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalArgumentException("output folder " + folder + " cannot be written: " + parent
                    + " is not a writable folder");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("output folder " + folder + " is a file, not a folder");
        }
        // the staging folder is made beside the target: try it (a file system may refuse what the bits allow)
        Path probe = createStage(target, "probe-");
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException("output folder " + folder + " cannot be written: " + probe
                    + " cannot be removed (" + e.getClass().getSimpleName() + ")");
        }
        return target;
    }

    /**
     * Moves {@code fresh} to {@code target}; an old {@code target} is moved aside first, its build products
     * ({@code kept}, relative) moved into the new folder, then the rest of it deleted. Interrupted, the old folder
     * stays beside the new one (hidden), its files whole.
     */
    static void replace(Path fresh, Path target, List<String> kept) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = createStage(target, "old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            for (String k : kept) {
                String rel = k.endsWith("/") ? k.substring(0, k.length() - 1) : k;
                Path to = target.resolve(rel);
                Files.createDirectories(to.getParent());
                Files.move(old.resolve(rel), to, StandardCopyOption.ATOMIC_MOVE);
            }
            deleteTree(old);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
