package ai.ringrift.slurm.testing.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A recording proxy between the SDK and a slurmrestd (real or fake): WireMock proxying every
 * request, keeping each request with the scenario step it was sent in and the status it got.
 * {@link #loseNextSubmitAnswer()} lets the next submission through and drops its answer (the
 * connection is reset), which is what a lost answer is on the real side.
 */
final class WireTap implements AutoCloseable {

    /** One request as the SDK sent it. */
    record Sent(String step, String method, String url, int status) {}

    private final List<Sent> sent = new ArrayList<>();
    private final java.util.Map<java.util.UUID, String> stepAtArrival = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String step = "setup";
    private final AtomicBoolean loseSubmit = new AtomicBoolean();
    private final WireMockServer server;

    WireTap(String target) {
        String base = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(12)
                .extensions(new Loser(), new Listener()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(base).withTransformers("lose-submit")));
    }

    String url() {
        return server.baseUrl();
    }

    void step(String name) {
        step = name;
    }

    void loseNextSubmitAnswer() {
        loseSubmit.set(true);
    }

    /** Every request so far, once the answers sent have all been written down (the listener runs after the answer leaves). */
    List<Sent> sent() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!stepAtArrival.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            return List.copyOf(sent);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Loser implements ResponseTransformerV2 {
        @Override
        public Response transform(Response response, ServeEvent event) {
            boolean upstreamDropped = response.getStatus() == 500 && response.getBodyAsString() != null
                    && response.getBodyAsString().startsWith("Network failure trying to make a proxied request");
            if (upstreamDropped || (event.getRequest().getMethod().getName().equals("POST")
                    && event.getRequest().getUrl().endsWith("/job/submit") && loseSubmit.compareAndSet(true, false))) {
                // the SDK sees what the server did: a connection that ends without an answer
                return Response.Builder.like(response).but().fault(Fault.CONNECTION_RESET_BY_PEER).build();
            }
            return response;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "lose-submit";
        }
    }

    private final class Listener implements ServeEventListener {
        @Override
        public void beforeMatch(ServeEvent event, Parameters parameters) {
            stepAtArrival.put(event.getId(), step); // the step it was sent in, not the one current when it was answered
        }

        @Override
        public void afterComplete(ServeEvent event, Parameters parameters) {
            synchronized (WireTap.this) {
                com.github.tomakehurst.wiremock.http.LoggedResponse r = event.getResponse();
                boolean lost = r != null && r.getFault() != null;
                String at = stepAtArrival.remove(event.getId());
                sent.add(new Sent(at == null ? step : at, event.getRequest().getMethod().getName(), event.getRequest().getUrl(),
                        lost ? -1 : r == null ? 0 : r.getStatus()));
            }
        }

        @Override
        public String getName() {
            return "wire-tap";
        }
    }
}
