package org.odegen.net;

import java.util.Arrays;

/** A named float tensor of the network's weights (PyTorch layout, row-major). */
public record Tensor(String name, int[] shape, double[] data) {

    public Tensor {
        shape = shape.clone();
        if (elements(shape) != data.length) {
            throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape)
                    + " needs " + elements(shape) + " values, got " + data.length);
        }
    }

    public static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
