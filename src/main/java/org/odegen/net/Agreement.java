package org.odegen.net;

import java.util.SplittableRandom;
import org.odegen.model.FloatMap;

/** How closely the fixed-point twin of a network follows its float twin on random inputs. */
public record Agreement(NetworkSpec spec, int images, double maxLogitDifference, int top1Agreements) {

    public double top1AgreementRate() {
        return images == 0 ? 0 : top1Agreements / (double) images;
    }

    /** Random normalized images: standard normal pixels, as CIFAR after normalization roughly is. */
    public static FloatMap randomImage(SplittableRandom rng) {
        double[] v = new double[3 * 32 * 32];
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2 * StrictMath.log(u1));
            v[i] = r * StrictMath.cos(2 * Math.PI * u2);
            v[i + 1] = r * StrictMath.sin(2 * Math.PI * u2);
        }
        return new FloatMap(3, 32, 32, v);
    }

    public static Agreement measure(Network net, int images, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double maxDiff = 0;
        int agree = 0;
        for (int i = 0; i < images; i++) {
            FloatMap img = randomImage(rng);
            double[] f = net.forwardFloat(img);
            int[] q = net.forwardFixed(img);
            for (int j = 0; j < f.length; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(f[j] - net.format().toDouble(q[j])));
            }
            if (argMax(f) == argMax(q)) {
                agree++;
            }
        }
        return new Agreement(net.spec(), images, maxDiff, agree);
    }

    public static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public static int argMax(int[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
