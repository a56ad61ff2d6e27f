package org.odegen.net;

import static org.odegen.net.NetworkDescription.DEFAULT_EPS;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription.Fc;
import org.odegen.net.NetworkDescription.Layer;
import org.odegen.net.NetworkDescription.Ode;
import org.odegen.net.NetworkDescription.Res;
import org.odegen.net.NetworkDescription.Shortcut;
import org.odegen.net.NetworkDescription.Stem;

/**
 * The paper's zoo as network descriptions (MODEL.md): a {@link NetworkSpec} built as a {@link NetworkDescription},
 * and a description recognized as the zoo network it equals. The bodies of
 * {@link NetworkDescription#zoo(NetworkSpec, NormMode, OdeSolver)} and {@link NetworkDescription#zooSpec()}.
 */
final class NetworkDescriptionZoo {

    private NetworkDescriptionZoo() {
    }

    /** {@link NetworkDescription#zoo(NetworkSpec, NormMode, OdeSolver)}. */
    static NetworkDescription of(NetworkSpec spec, NormMode norm, OdeSolver solver) {
        List<Layer> layers = new ArrayList<>();
        for (LayerRow row : spec.rows()) {
            Stage s = row.stage();
            switch (row.kind()) {
                case STEM -> layers.add(new Stem(s.outChannels(), "conv1", "bn1"));
                case RESNET -> {
                    for (int i = 0; i < row.instances(); i++) {
                        int stride = i == 0 ? s.stride() : 1;
                        boolean changes = i == 0 && (stride != 1 || s.inChannels() != s.outChannels());
                        layers.add(new Res(s.id() + "." + i, s.outChannels(), stride,
                                changes ? Shortcut.A : Shortcut.IDENTITY));
                    }
                }
                case ODE -> {
                    for (int i = 0; i < row.instances(); i++) {
                        layers.add(new Ode(s.id() + "." + i, row.executions(), solver, true, 0.0, 1.0));
                    }
                }
                case CLASSIFIER -> layers.add(new Fc("fc"));
            }
        }
        Stage stem = Stage.CONV1;
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < stem.inChannels(); c++) {
            mean.add(Cifar100.MEAN[c]);
            std.add(Cifar100.STD[c]);
        }
        return new NetworkDescription(stem.inChannels(), 32, 32, Stage.FC.outChannels(), norm, DEFAULT_EPS, mean, std,
                layers);
    }

    /** {@link NetworkDescription#zooSpec()}. */
    static Optional<NetworkSpec> specOf(NetworkDescription d) {
        OdeSolver solver = d.odeLayers().isEmpty() ? OdeSolver.EULER : d.odeLayers().get(0).solver();
        for (Variant v : Variant.values()) {
            for (int depth : Variant.DEPTHS) {
                NetworkSpec spec = NetworkSpec.of(v, depth);
                if (of(spec, d.norm(), solver).equals(d)) {
                    return Optional.of(spec);
                }
            }
        }
        return Optional.empty();
    }
}
