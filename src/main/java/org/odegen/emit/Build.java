package org.odegen.emit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
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
     * folder to {@code folder}, replacing what was there. Returns the absolute folder. If a step fails, nothing
     * is left behind and {@code folder} is as it was.
     */
    public Path run(Path folder) throws IOException {
        Path target = writableTarget(folder);
        Path stage = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
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
            replace(stage, target);
            return target;
        } finally {
            if (Files.exists(stage)) {
                deleteTree(stage);
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
        return target;
    }

    /** Moves {@code fresh} to {@code target}; an old {@code target} is moved aside first, then deleted. */
    static void replace(Path fresh, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + "-old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
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
