package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.odegen.hw.RegisterMap$;

/** doc/reference/interfaces.md's register tables are the register map's, the one source the RTL decodes. */
class RegisterDocTest {
    @Test
    void theDocsRegisterTablesAreTheMapsOwn() throws Exception {
        String page = Files.readString(Path.of("doc/reference/interfaces.md"));
        Matcher m = Pattern.compile("<!-- generated: RegisterFilesWriter.markdown\\(RegisterMap.(\\w+)\\) -->\\n(.*?)<!-- end -->",
                Pattern.DOTALL).matcher(page);
        int tables = 0;
        while (m.find()) {
            var map = m.group(1).equals("block") ? RegisterMap$.MODULE$.block() : RegisterMap$.MODULE$.engine();
            assertEquals(RegisterFilesWriter.markdown(map), m.group(2),
                    "doc/reference/interfaces.md's " + m.group(1) + " table: print the map's with "
                            + "java -cp ... org.odegen.emit.RegisterFilesWriter");
            tables++;
        }
        assertEquals(2, tables, "the block's and the engine's tables");
    }
}
