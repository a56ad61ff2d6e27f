package org.odegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mvn generate's property check and the options it passes on, without starting Maven (MavenGenerate.run). */
class MavenGenerateTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** The pom's name=value pairs: every generator property, empty but for those given. */
    static List<String> pairs(String... given) {
        List<String> pairs = new ArrayList<>();
        for (String p : MavenGenerate.PROPERTIES.keySet()) {
            String value = "";
            for (String g : given) {
                if (g.startsWith(p + "=")) {
                    value = g.substring(p.length() + 1);
                }
            }
            pairs.add(p + "=" + value);
        }
        return pairs;
    }

    /** As mvn generate with these -D properties: the pom's pairs, and the mvn script's MAVEN_CMD_LINE_ARGS. */
    static Run mvnGenerate(String... properties) {
        StringBuilder cmd = new StringBuilder(" -B generate");
        for (String p : properties) {
            cmd.append(" -D").append(p);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = MavenGenerate.run(pairs(properties), cmd.toString(), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void propertyNamesAreReadInEveryFormMavenTakes() {
        assertEquals(List.of("layer", "lanes", "skipTests", "network", "depth", "style.color"),
                MavenGenerate.propertyNames(" -q generate -Dlayer=layer1 -Dlanes=8 -DskipTests -D network=rodenet-3 "
                        + "--define depth=20 --define=style.color=never -e"));
        assertEquals(List.of(), MavenGenerate.propertyNames(" generate"));
        assertEquals(List.of(), MavenGenerate.propertyNames(""));
    }

    @Test
    void aMisspeltPropertyIsOneLineNamingTheNearestAndAllOfThem() {
        Path out = dir.resolve("g");
        Run r = mvnGenerate("netwok=rodenet-3", "depth=20", "lanes=16", "out=" + out);
        assertEquals(2, r.exit(), r.err());
        assertEquals("odegen generate: error: unknown property -Dnetwok (did you mean -Dnetwork?); the properties are: "
                + "layer, network, depth, lanes, macsPerLane, out, norm, format, width, frac, timeChannel, solver, estimate, model, weights, force "
                + "(and Maven's: any name with a dot, skipTests, test, argLine, failIfNoTests, trimStackTrace, revision, "
                + "changelist, sha1)", r.err().strip());
        assertFalse(Files.exists(out), "no folder after an unknown property");
        Run two = mvnGenerate("layers=layer1", "lane=4", "bogus=1", "out=" + out);
        assertEquals(2, two.exit(), two.err());
        assertEquals(1, two.err().strip().lines().count(), two.err());
        assertTrue(two.err().contains("unknown properties -Dlayers (did you mean -Dlayer?), -Dlane (did you mean -Dlanes?), "
                + "-Dbogus; the properties are"), two.err());
        assertTrue(mvnGenerate("time-channel=false").err().contains("-Dtime-channel (did you mean -DtimeChannel?)"));
        assertFalse(Files.exists(out));
    }

    @Test
    void mavensOwnPropertiesPass() {
        MavenGenerate.checkNames(List.of("skipTests", "test", "maven.repo.local", "style.color", "report.out", "layer",
                "timeChannel", "sha1"));
    }

    @Test
    void onlyThePropertiesTheUserGaveBecomeOptions() {
        assertEquals(List.of("generate", "--layer=layer1", "--lanes=8", "--time-channel=false"),
                MavenGenerate.generateArguments(pairs("layer=layer1", "lanes=8", "timeChannel=false"), Set.of()));
        // named on Maven's command line with an empty value: given, so generate names the empty value as bad
        assertEquals(List.of("generate", "--layer="), MavenGenerate.generateArguments(pairs(), Set.of("layer")));
        assertEquals(List.of("generate"), MavenGenerate.generateArguments(pairs(), Set.of("skipTests")));
    }

    @Test
    void conflictsAreNamedAsPropertiesWithExitTwoAndNoFolder() {
        Path out = dir.resolve("g");
        String[][] bad = {
            {"-Dlayer and -Dnetwork do not go together", "layer=layer1", "network=rodenet-3"},
            {"-DtimeChannel and -Dnetwork do not go together: the network engine's ODEBlocks always have the time channel; "
                    + "drop -DtimeChannel, or -Dnetwork for one ODEBlock", "network=rodenet-3", "timeChannel=false"},
            {"-Ddepth needs -Dnetwork", "layer=layer1", "depth=33"},
            {"-Dformat and -Dwidth do not go together: give -Dformat=QW.F, or -Dwidth=W and -Dfrac=F", "format=Q16.10",
                "width=24"},
            {"lanes = 3 for 64 channels", "lanes=3"},
        };
        for (String[] b : bad) {
            List<String> props = new ArrayList<>(List.of(b).subList(1, b.length));
            props.add("out=" + out);
            Run r = mvnGenerate(props.toArray(String[]::new));
            assertEquals(2, r.exit(), props + ": " + r.err());
            assertTrue(r.err().startsWith("odegen generate: error: " + b[0]), props + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(out), "no folder after " + props);
        }
    }

    @Test
    void thePomForwardsEveryPropertyEmptyByDefault() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        int at = pom.indexOf("<mainClass>org.odegen.cli.MavenGenerate</mainClass>");
        assertTrue(at > 0, "the generate execution runs MavenGenerate");
        String arguments = pom.substring(at, pom.indexOf("</arguments>", at));
        List<String> forwarded = new ArrayList<>();
        Matcher m = Pattern.compile("<argument>(\\w+)=\\$\\{(\\w+)}</argument>").matcher(arguments);
        while (m.find()) {
            assertEquals(m.group(1), m.group(2), m.group());
            forwarded.add(m.group(1));
            // empty: a default here would look given to generate, and mix with the user's options
            assertTrue(pom.contains("<" + m.group(1) + "></" + m.group(1) + ">"), m.group(1) + " is empty in <properties>");
        }
        assertEquals(List.copyOf(MavenGenerate.PROPERTIES.keySet()), forwarded);
    }
}
