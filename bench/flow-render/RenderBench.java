import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import io.modelcat.jobs.flow.FlowTemplates;
import java.util.HashMap;
import java.util.Map;

/**
 * A flow's one-line template rendered on one thread: Jinjava's renderForResult (a new root context each render, as
 * FlowTemplates rendered before) beside FlowTemplates.render (a child of one root context per thread). Three rounds;
 * the later ones are warm.
 */
public class RenderBench {
    public static void main(String[] args) {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true)
                .withMaxOutputSize(1_000_000).build());
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                jinjava.renderForResult("{{ question }}", new HashMap<>(Map.of("question", "What is " + i + "?")));
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                FlowTemplates.render("{{ question }}", Map.of("question", "What is " + i + "?"));
            }
            long t2 = System.nanoTime();
            System.out.printf("round %d: renderForResult %.1f us/render, FlowTemplates.render %.1f us/render%n", round,
                    (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n);
        }
    }
}
