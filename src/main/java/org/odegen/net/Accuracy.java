package org.odegen.net;

/** Top-1 and top-5 counts of a classifier over a data set. */
public final class Accuracy {
    private int images;
    private int top1;
    private int top5;

    /** Adds one image: its logits (any order-preserving type, as doubles) and its true label. */
    public void add(double[] logits, int label) {
        images++;
        int rank = 0; // classes ranked before the label; a tie goes to the lower index, as arg-max does
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > logits[label] || (logits[i] == logits[label] && i < label)) {
                rank++;
            }
        }
        if (rank == 0) {
            top1++;
        }
        if (rank < 5) {
            top5++;
        }
    }

    public void add(int[] logits, int label) {
        double[] d = new double[logits.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = logits[i];
        }
        add(d, label);
    }

    public int images() {
        return images;
    }

    public double top1() {
        return images == 0 ? 0 : top1 / (double) images;
    }

    public double top5() {
        return images == 0 ? 0 : top5 / (double) images;
    }
}
