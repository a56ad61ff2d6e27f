package org.odegen.net;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import org.odegen.net.NetworkDescription.Fc;
import org.odegen.net.NetworkDescription.Layer;
import org.odegen.net.NetworkDescription.Ode;
import org.odegen.net.NetworkDescription.Res;
import org.odegen.net.NetworkDescription.Shortcut;
import org.odegen.net.NetworkDescription.Stem;

/**
 * The canonical {@code network.json} of a {@link NetworkDescription}, byte-identical for equal descriptions: the
 * bytes whose CRC-32 is the engine's {@code NETWORK_ID}. The body of {@link NetworkDescription#canonicalJson()}.
 */
final class NetworkDescriptionWriter {

    private NetworkDescriptionWriter() {
    }

    /** {@link NetworkDescription#canonicalJson()}. */
    static String canonicalJson(NetworkDescription d) {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        b.append("  \"input\": [").append(d.channels()).append(", ").append(d.height()).append(", ").append(d.width())
                .append("],\n");
        b.append("  \"classes\": ").append(d.classes()).append(",\n");
        b.append("  \"norm\": ").append(quote(d.norm().id())).append(",\n");
        b.append("  \"eps\": ").append(num(d.eps())).append(",\n");
        b.append("  \"mean\": ").append(nums(d.mean())).append(",\n");
        b.append("  \"std\": ").append(nums(d.std())).append(",\n");
        b.append("  \"layers\": [\n");
        for (int i = 0; i < d.layers().size(); i++) {
            b.append("    {\"kind\": ").append(quote(d.layers().get(i).kind()));
            Layer l = d.layers().get(i);
            if (l instanceof Stem st) {
                b.append(", \"out\": ").append(st.out()).append(", \"conv\": ").append(quote(st.conv()))
                        .append(", \"bn\": ").append(quote(st.bn()));
            } else if (l instanceof Res r) {
                b.append(", \"name\": ").append(quote(r.name())).append(", \"out\": ").append(r.out())
                        .append(", \"stride\": ").append(r.stride());
                if (r.shortcut() != Shortcut.IDENTITY) {
                    b.append(", \"shortcut\": ").append(quote(r.shortcut().name()));
                }
            } else if (l instanceof Ode o) {
                b.append(", \"name\": ").append(quote(o.name())).append(", \"steps\": ").append(o.steps())
                        .append(", \"solver\": ").append(quote(o.solver().id())).append(", \"time\": ").append(o.time())
                        .append(", \"t0\": ").append(num(o.t0())).append(", \"t1\": ").append(num(o.t1()));
            } else if (l instanceof Fc f) {
                b.append(", \"name\": ").append(quote(f.name()));
            }
            b.append(i + 1 < d.layers().size() ? "},\n" : "}\n");
        }
        b.append("  ]\n}\n");
        return b.toString();
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    private static String nums(List<Double> v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(num(v.get(i)));
        }
        return b.append(']').toString();
    }
}
