package ai.ringrift.slurm.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the real slurmrestd that forwards everything, except that for the first
 * request whose head contains {@code trigger} it forwards the request, waits until the server starts
 * answering (so the server has acted on it), and then drops the client's connection: the answer is
 * lost, as when a network breaks at the worst moment.
 */
final class ResponseDroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final String trigger;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    final AtomicInteger dropped = new AtomicInteger();

    ResponseDroppingProxy(String upstreamHost, int upstreamPort, String trigger) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.trigger = trigger;
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** Forwards everything until {@link #arm()}; after it, drops the answer to the next request with the trigger. */
    static ResponseDroppingProxy disarmed(String upstreamHost, int upstreamPort, String trigger) throws IOException {
        ResponseDroppingProxy proxy = new ResponseDroppingProxy(upstreamHost, upstreamPort, trigger);
        proxy.armed.set(false);
        return proxy;
    }

    void arm() {
        armed.set(true);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(upstreamHost, upstreamPort);
                AtomicBoolean dropThisConnection = new AtomicBoolean();
                pump(client, upstream, true, dropThisConnection);
                pump(upstream, client, false, dropThisConnection);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean clientToServer, AtomicBoolean drop) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (clientToServer && armed.get()
                            && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(trigger)
                            && armed.compareAndSet(true, false)) {
                        drop.set(true);
                    }
                    if (!clientToServer && drop.get()) {
                        // the server has answered: the job exists. The client never hears of it.
                        dropped.incrementAndGet();
                        closeQuietly(to);
                        closeQuietly(from);
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(to);
                closeQuietly(from);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
