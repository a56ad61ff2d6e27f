package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set given as a folder of class subfolders of images (odegen_torch.data, read by Pillow): PNG in
 * 8-bit gray, RGB with alpha, palette, 16-bit gray and interlaced, and binary PPM/PGM, each resized to
 * 3x32x32 with the class of its folder; a file that is no image is one DataError naming it.
 */
class ImageFolderTest {
    @TempDir
    Path dir;

    @Test
    void imagesOfEveryKindPillowReadsBecomeThirtyTwoByThirtyTwo() throws Exception {
        Path script = dir.resolve("folder.py");
        Files.writeString(script, String.join("\n",
                "import os, sys",
                "import numpy as np",
                "from PIL import Image",
                "from odegen_torch import data",
                "root = sys.argv[1]",
                "for c in ('a', 'b'): os.makedirs(os.path.join(root, c))",
                "g = np.arange(64, dtype=np.uint8).reshape(8, 8) * 4",
                "Image.fromarray(g, 'L').save(os.path.join(root, 'a', 'gray.png'))",
                "rgba = np.zeros((40, 40, 4), dtype=np.uint8); rgba[..., 0] = 200; rgba[..., 3] = 10",
                "Image.fromarray(rgba, 'RGBA').save(os.path.join(root, 'a', 'rgba.png'))",
                "Image.fromarray(np.full((32, 32, 3), 77, dtype=np.uint8), 'RGB').convert('P', palette=Image.ADAPTIVE).save(os.path.join(root, 'b', 'pal.png'))",
                "Image.fromarray(np.full((32, 32), 150 * 256 + 7, dtype=np.uint16)).save(os.path.join(root, 'b', 'wide.png'))",
                "Image.fromarray(np.full((16, 16, 3), 9, dtype=np.uint8), 'RGB').save(os.path.join(root, 'b', 'inter.png'), interlace=1)",
                "Image.fromarray(np.full((32, 32, 3), 5, dtype=np.uint8), 'RGB').save(os.path.join(root, 'b', 'x.ppm'))",
                "imgs, labels, classes = data._class_folder(root)",
                "print('shapes', imgs.shape, imgs.dtype, labels.tolist(), classes)",
                "print('gray', int(imgs[0][0].min()), int(imgs[0][0].max()), bool((imgs[0][0] == imgs[0][1]).all()))",
                "print('rgba', int(imgs[1][0, 5, 5]), int(imgs[1][1, 5, 5]))",
                "print('pal', int(imgs[3][0, 0, 0]), 'wide', int(imgs[4][0, 0, 0]), 'inter', int(imgs[2][0, 0, 0]), 'ppm', int(imgs[5][2, 3, 3]))",
                "open(os.path.join(root, 'b', 'broken.png'), 'wb').write(b'not a png')",
                "try:",
                "    data._class_folder(root); print('accepted broken')",
                "except data.DataError as e: print('refused', e)", ""));
        PythonSide.Result r = PythonSide.run(List.of(PythonSide.python(), script.toString(), dir.resolve("set").toString()), 300);
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        String out = r.stdout();
        // sorted file names within each class: a/gray, a/rgba, b/inter, b/pal, b/wide, b/x.ppm
        assertTrue(out.contains("shapes (6, 3, 32, 32) uint8 [0, 0, 1, 1, 1, 1] ['a', 'b']"), out);
        assertTrue(out.contains("gray 0 252 True"), out); // the gray copied to three channels, stretched 8 -> 32
        assertTrue(out.contains("rgba 200 0"), out);       // alpha dropped
        assertTrue(out.contains("pal 77 wide 150 inter 9 ppm 5"), out);
        assertTrue(out.matches("(?s).*refused image .*broken\\.png: not an image Pillow reads \\(.*"), out);
    }
}
