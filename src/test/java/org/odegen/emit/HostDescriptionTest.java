package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkDescription;
import org.odegen.net.ParameterBlob;
import org.odegen.net.Weights;

/**
 * The PYNQ driver's host arithmetic (vivado/odegen_host.py) for any network.json: the parameter blob it packs and
 * the image words it streams equal the Java golden model's, byte for byte, in both norm modes, for networks that are
 * not the zoo's (option B's shortcut included); a tensor of the wrong shape is named.
 */
class HostDescriptionTest {
    @TempDir
    Path dir;

    @Test
    void hostPacksAnyDescriptionAsTheGoldenModel() throws Exception {
        Path host = Path.of("vivado").toAbsolutePath();
        for (String name : List.of("mixed-solvers-16x16.json", "cifar10-wide.json")) {
            NetworkDescription d = NetworkDescription.read(Path.of("examples", "networks", name));
            String withB = d.canonicalJson();
            for (NormMode norm : NormMode.values()) {
                NetworkDescription n = d.withNorm(norm);
                Path json = Files.writeString(dir.resolve("net.json"), n.canonicalJson());
                Weights w = Weights.random(n, 5);
                w.write(dir.resolve("w.safetensors"));
                QFormat q = new QFormat(16, 10);
                Network net = new Network(w, q);
                // an image of the network's shape: pixel bytes, [y][x][c] as the driver takes them
                NetworkDescription.Shape s = n.input();
                byte[] px = new byte[s.words()];
                java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
                double[] v = new double[px.length];
                for (int i = 0; i < px.length; i++) {
                    px[i] = (byte) rng.nextInt(256);
                }
                byte[] hwc = new byte[px.length];
                for (int c = 0; c < s.channels(); c++) {
                    for (int i = 0; i < s.pixels(); i++) {
                        v[c * s.pixels() + i] = ((px[c * s.pixels() + i] & 0xFF) / 255.0 - n.mean().get(c)) / n.std().get(c);
                        hwc[i * s.channels() + c] = px[c * s.pixels() + i];
                    }
                }
                Files.write(dir.resolve("image.u8"), hwc);
                String script = String.join("\n",
                        "import json, sys, numpy as np",
                        "sys.path.insert(0, '" + host + "')",
                        "import odegen_host as host",
                        "d = json.load(open('net.json'))",
                        "t = host.read_safetensors('w.safetensors')",
                        "host.description_blob(t, d, 16, 10).astype('<i4').tofile('blob.bin')",
                        "c, h, w = d['input']",
                        "img = np.fromfile('image.u8', dtype=np.uint8).reshape(h, w, c)",
                        "host.description_image_words(img, d, 16, 10).astype('<i4').tofile('image.bin')",
                        "t['fc.weight'] = t['fc.weight'][:, :-1]",
                        "try:",
                        "    host.description_blob(t, d, 16, 10)",
                        "except ValueError as e: print('refused:', e)", "");
                Files.writeString(dir.resolve("pack.py"), script);
                Process p = new ProcessBuilder(PynqDriverTest.python(dir), "pack.py").directory(dir.toFile())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                assertArrayEquals(GoldenEngine.bytes(ParameterBlob.of(net)), Files.readAllBytes(dir.resolve("blob.bin")),
                        name + " " + norm + ": the blob");
                assertArrayEquals(GoldenEngine.bytes(net.quantize(new FloatMap(s.channels(), s.height(), s.width(), v))
                        .data()), Files.readAllBytes(dir.resolve("image.bin")), name + " " + norm + ": the image words");
                int classes = n.classes();
                assertTrue(out.contains("refused: the weights' tensor 'fc.weight' has shape [" + classes + ", "), out);
            }
            assertTrue(withB.length() > 0);
        }
    }
}
