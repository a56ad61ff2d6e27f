package org.odegen.emit;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader;

/** The Velocity templates of the project's {@code testbench/}, {@code vivado/} and {@code report/} folders, from the classpath. */
public final class Templates {
    private static final VelocityEngine ENGINE = engine();

    private Templates() {
    }

    private static VelocityEngine engine() {
        VelocityEngine e = new VelocityEngine();
        e.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
        e.setProperty("resource.loader.classpath.class", ClasspathResourceLoader.class.getName());
        e.init();
        return e;
    }

    /** Fills {@code template} (a classpath path such as {@code vivado/build.tcl.vm}) into {@code out}. */
    public static void render(String template, Map<String, Object> vars, Path out) throws IOException {
        StringWriter w = new StringWriter();
        ENGINE.getTemplate(template, "UTF-8").merge(new VelocityContext(new java.util.HashMap<>(vars)), w);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, w.toString(), StandardCharsets.UTF_8);
    }
}
