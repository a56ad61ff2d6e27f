package org.odegen.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import org.odegen.net.NetworkDescription;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Variant;

/** The Java DSL of a network builds the same description as its network.json, and refuses mistakes by layer. */
class NetworkBuilderTest {

    @Test
    void buildsModelMdsExampleAsTheFileDescribesIt() {
        NetworkDescription built = NetworkBuilder.input(1, 28, 28).mean(0.1307).std(0.3081)
                .stem(16)
                .ode(16).steps(4).solver(OdeSolver.RK4)
                .res(32).stride(2).shortcutB().name("down1")
                .ode(32).steps(8).name("ode2")
                .classifier(10);
        assertEquals(NetworkDescription.parse(org.odegen.net.NetworkDescriptionTest.EXAMPLE, "example"), built);
    }

    @Test
    void buildsAZooNetworkThatIsRecognizedAsIt() {
        // rODENet-3-20: stem 16, one ResNet block, two stride-2 blocks with shortcut A, the ODEBlock of layer3_2 (6 steps)
        NetworkDescription built = NetworkBuilder.input(3, 32, 32).norm(NormMode.FOLDED)
                .mean(0.5071, 0.4865, 0.4409).std(0.2673, 0.2564, 0.2762)
                .stem(16)
                .res(16).name("layer1.0")
                .res(32).stride(2).shortcutA().name("layer2_1.0")
                .res(64).stride(2).shortcutA().name("layer3_1.0")
                .ode(64).steps(6).name("layer3_2.0")
                .classifier(100);
        assertEquals(NetworkSpec.of(Variant.RODENET_3, 20), built.zooSpec().orElseThrow());
        assertEquals(NetworkDescription.zoo(NetworkSpec.of(Variant.RODENET_3, 20), NormMode.FOLDED, OdeSolver.EULER)
                .networkId(), built.networkId());
    }

    @Test
    void mistakesAreOneMessageNamingTheLayer() {
        List<Supplier<NetworkDescription>> bad = List.of(
                () -> NetworkBuilder.input(1, 8, 8).stem(8).ode(16).classifier(10),
                () -> NetworkBuilder.input(1, 8, 8).stem(8).res(16).steps(3).classifier(10),
                () -> NetworkBuilder.input(1, 8, 8).stem(8).ode(8).stride(2).classifier(10),
                () -> NetworkBuilder.input(1, 8, 8).stem(8).res(16).classifier(10),
                () -> NetworkBuilder.input(1, 8, 8).stem(8).ode(8).steps(0).classifier(10),
                () -> NetworkBuilder.input(1, 8, 8).stem(8).classifier(0),
                () -> NetworkBuilder.input(0, 8, 8).stem(8).classifier(10),
                () -> NetworkBuilder.input(1, 8, 8).ode(1).classifier(10));
        List<String> messages = List.of(
                "layer 1 (ode1): an ode layer keeps its channels: 8 come in, ode(16) asks for 16",
                "layer 1 (res1): steps() is for an ode layer, this is a res layer",
                "layer 1 (ode1): stride() is for a res layer, this is an ode layer",
                "layer 1 (res1): channels 8 -> 16 at stride 1 change the shape, so a shortcut is required; valid: A, B",
                "layer 1 (ode1): steps = 0 must be at least 1",
                "classes = 0 must be at least 1",
                "input(0, 8, 8): each must be at least 1",
                "layer 0 (ode1): the first layer must be the stem");
        for (int i = 0; i < bad.size(); i++) {
            var e = assertThrows(NetworkDescription.DescriptionException.class, bad.get(i)::get, messages.get(i));
            assertTrue(e.getMessage().contains(messages.get(i)), e.getMessage());
        }
    }
}
