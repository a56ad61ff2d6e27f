package org.odegen.net;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription.DescriptionException;
import org.odegen.net.NetworkDescription.Fc;
import org.odegen.net.NetworkDescription.Layer;
import org.odegen.net.NetworkDescription.Ode;
import org.odegen.net.NetworkDescription.Res;
import org.odegen.net.NetworkDescription.Shortcut;
import org.odegen.net.NetworkDescription.Stem;

/**
 * The rules every {@link NetworkDescription} obeys, checked by its constructor whatever built it ({@code network.json},
 * the zoo, the DSL): the input, the norm and its statistics, the layers' order, shapes, shortcuts and tensor
 * prefixes. Each mistake is one {@link DescriptionException} naming the layer (its index and name) and the problem.
 */
final class NetworkDescriptionValidator {

    private NetworkDescriptionValidator() {
    }

    static void validate(int channels, int height, int width, int classes, NormMode norm, double eps,
                         List<Double> mean, List<Double> std, List<Layer> layers) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new DescriptionException("input [C, H, W] = [" + channels + ", " + height + ", " + width
                    + "]: each must be at least 1");
        }
        if (classes < 1) {
            throw new DescriptionException("classes = " + classes + " must be at least 1");
        }
        if (norm == null) {
            throw new DescriptionException("norm is required; valid: " + NormMode.validIds());
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new DescriptionException("eps = " + eps + " must be a number > 0");
        }
        if (mean.size() != channels || std.size() != channels) {
            throw new DescriptionException("mean and std need one number per input channel (" + channels + "), got "
                    + mean.size() + " and " + std.size());
        }
        for (int c = 0; c < channels; c++) {
            if (!Double.isFinite(mean.get(c)) || !(std.get(c) > 0) || !Double.isFinite(std.get(c))) {
                throw new DescriptionException("channel " + c + ": mean " + mean.get(c) + ", std " + std.get(c)
                        + ": std must be > 0");
            }
        }
        if (layers.isEmpty()) {
            throw new DescriptionException("layers is empty: a network is a stem, then res and ode layers, then an fc");
        }
        Set<String> tensorPrefixes = new HashSet<>();
        int c = channels;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String where = "layer " + i + " (" + l.label() + ")";
            if (i == 0 && !(l instanceof Stem)) {
                throw new DescriptionException(where + ": the first layer must be the stem, got " + l.kind());
            }
            if (i > 0 && l instanceof Stem) {
                throw new DescriptionException(where + ": a stem must be the first layer only");
            }
            boolean last = i == layers.size() - 1;
            if (last && !(l instanceof Fc)) {
                throw new DescriptionException(where + ": the last layer must be the fc (the classifier), got " + l.kind());
            }
            if (!last && l instanceof Fc) {
                throw new DescriptionException(where + ": the fc must be the last layer only");
            }
            if (l instanceof Stem st) {
                positive(where, "out", st.out());
                prefix(where, "conv", st.conv(), tensorPrefixes);
                prefix(where, "bn", st.bn(), tensorPrefixes);
                c = st.out();
            } else if (l instanceof Res r) {
                prefix(where, "name", r.name(), tensorPrefixes);
                positive(where, "out", r.out());
                if (r.stride() != 1 && r.stride() != 2) {
                    throw new DescriptionException(where + ": stride = " + r.stride() + "; valid: 1, 2");
                }
                boolean changes = r.out() != c || r.stride() != 1;
                if (r.shortcut() == null) {
                    throw new DescriptionException(where + ": the shortcut is missing; valid: IDENTITY, A, B");
                }
                if (changes && r.shortcut() == Shortcut.IDENTITY) {
                    throw new DescriptionException(where + ": channels " + c + " -> " + r.out() + " at stride "
                            + r.stride() + " change the shape, so a shortcut is required; valid: "
                            + (r.out() >= c ? "A, B" : "B (A needs out >= in)"));
                }
                if (r.shortcut() == Shortcut.A && (!changes || r.out() < c)) {
                    throw new DescriptionException(where + ": shortcut A needs out >= in and a change of channels or "
                            + "stride 2 (here " + c + " -> " + r.out() + ", stride " + r.stride() + "); use B"
                            + (changes ? "" : " or leave the shortcut out (identity)"));
                }
                c = r.out();
            } else if (l instanceof Ode o) {
                prefix(where, "name", o.name(), tensorPrefixes);
                if (o.steps() < 1) {
                    throw new DescriptionException(where + ": steps = " + o.steps() + " must be at least 1");
                }
                if (o.solver() == null) {
                    throw new DescriptionException(where + ": the solver is missing; valid: " + OdeSolver.validNames());
                }
                if (!Double.isFinite(o.t0()) || !Double.isFinite(o.t1())) {
                    throw new DescriptionException(where + ": t0 and t1 must be finite numbers");
                }
            } else if (l instanceof Fc f) {
                prefix(where, "name", f.name(), tensorPrefixes);
            }
        }
    }

    private static void positive(String where, String key, int v) {
        if (v < 1) {
            throw new DescriptionException(where + ": " + key + " = " + v + " must be at least 1");
        }
    }

    /** A tensor prefix: letters, digits, '_' and '.', not starting or ending with '.', unique in the network. */
    private static void prefix(String where, String key, String name, Set<String> seen) {
        if (name == null || !name.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*")) {
            throw new DescriptionException(where + ": " + key + " '" + name + "' is not a tensor prefix (letters, "
                    + "digits and '_', parts joined by '.')");
        }
        if (!seen.add(name)) {
            throw new DescriptionException(where + ": " + key + " '" + name + "' is used twice; each layer's tensors "
                    + "need their own prefix");
        }
        for (String other : seen) {
            // 'a' and 'a.conv1' would give two layers' tensors one name (a.conv1.weight)
            if (other.startsWith(name + ".") || name.startsWith(other + ".")) {
                throw new DescriptionException(where + ": " + key + " '" + name + "' and '" + other + "' nest: one "
                        + "prefix inside another could give two tensors one name");
            }
        }
    }
}
