package org.odegen.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.BlockParams;
import org.odegen.model.FixedMap;
import org.odegen.model.FloatMap;
import org.odegen.model.NormMode;
import org.odegen.model.OdeBlock;
import org.odegen.model.PaperLayer;
import org.odegen.net.Agreement;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;
import org.odegen.net.Weights;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Speed of the golden model (JMH): one Euler step of layer3_2 in fixed point, and one whole
 * rODENet-3-20 image in fixed point and in float. Run: {@code mvn -B test-compile exec:exec@bench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GoldenModelBench {
    private OdeBlock layer3_2;
    private FixedMap z;
    private long h;
    private Network rodenet3;
    private FloatMap image;
    private FixedMap imageFixed;

    @Setup
    public void setup() {
        NetworkSpec spec = NetworkSpec.of(Variant.RODENET_3, 20);
        rodenet3 = new Network(Weights.random(spec, 1), NormMode.BATCH_STATS, QFormat.Q32_20);
        layer3_2 = rodenet3.odeBlocks().get(0);
        BlockConfig cfg = PaperLayer.LAYER3_2.config();
        if (!layer3_2.config().equals(cfg)) {
            throw new IllegalStateException("rODENet-3's block is not the paper's layer3_2: " + layer3_2.config());
        }
        BlockParams p = layer3_2.params();
        layer3_2 = new OdeBlock(cfg, p);
        image = Agreement.randomImage(new SplittableRandom(3));
        imageFixed = rodenet3.quantize(image);
        z = new FixedMap(64, 8, 8, new int[4096]);
        int[] d = z.data();
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < d.length; i++) {
            d[i] = (int) rng.nextLong(-(1L << 21), 1L << 21);
        }
        h = cfg.format().quantize(1.0 / 6);
    }

    @Benchmark
    public FixedMap eulerStepLayer3_2Fixed() {
        return layer3_2.eulerStep(z, h, 0);
    }

    @Benchmark
    public int[] rodenet3_20ImageFixed() {
        return rodenet3.forwardFixed(imageFixed, Network.GOLDEN);
    }

    @Benchmark
    public double[] rodenet3_20ImageFloat() {
        return rodenet3.forwardFloat(image);
    }
}
