package ai.ringrift.slurm.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback TCP proxy between a client and slurmrestd that counts what crosses the wire, outside
 * the client: every connection accepted, every HTTP/1.1 request by method and path (job ids as
 * {@code {id}}, the data parser version as {@code {v}}, the query left out), and the answers' bytes.
 * Bytes are passed on unchanged in both directions; only the request line and the headers are read,
 * to find where each request ends (Content-Length or chunked) on a kept-alive connection.
 *
 * <pre>
 * try (CountingProxy proxy = CountingProxy.to(cluster.restUrl())) {
 *     client = SlurmClient.builder().baseUrl(proxy.url()) ...;
 *     proxy.requests("GET /slurm/{v}/jobs/state/");
 * }
 * </pre>
 */
public final class CountingProxy implements Closeable {

    private final URI target;
    private final ServerSocket server;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong answerBytes = new AtomicLong();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private CountingProxy(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread accept = new Thread(this::accept, "counting-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy on a free loopback port to {@code target} (http only). */
    public static CountingProxy to(URI target) throws IOException {
        if (!"http".equals(target.getScheme())) {
            throw new IllegalArgumentException("the counting proxy passes plain http only, not " + target);
        }
        return new CountingProxy(target);
    }

    /** The URL to give the client instead of slurmrestd's. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections the client opened to the proxy. */
    public long connects() {
        return connects.get();
    }

    /** Bytes of the answers passed back, headers included. */
    public long answerBytes() {
        return answerBytes.get();
    }

    /** Requests seen so far, by "METHOD /path" (ids as {id}, version as {v}). */
    public Map<String, Long> requests() {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Requests seen so far of one "METHOD /path" key. */
    public long requests(String key) {
        LongAdder a = requests.get(key);
        return a == null ? 0 : a.sum();
    }

    /** Every request seen so far. */
    public long totalRequests() {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** The key a request line is counted under: "GET /slurm/{v}/job/{id}" for "GET /slurm/v0.0.40/job/42?x HTTP/1.1". */
    static String key(String requestLine) {
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String path = parts.length > 1 ? parts[1] : "";
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        path = path.replaceAll("/v0\\.0\\.\\d+/", "/{v}/").replaceAll("/\\d+(?=/|$)", "/{id}");
        return method + " " + path;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                connects.incrementAndGet();
                Socket upstream = new Socket(target.getHost(), target.getPort() < 0 ? 80 : target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                start("counting-proxy-requests", () -> requests(client, upstream));
                start("counting-proxy-answers", () -> answers(upstream, client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("counting proxy: " + e);
                }
            }
        }
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Client to slurmrestd: each request counted when its headers have been read, then passed on. */
    private void requests(Socket client, Socket upstream) {
        try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    break;
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] lines = text.split("\r\n");
                requests.computeIfAbsent(key(lines[0]), k -> new LongAdder()).increment();
                long length = 0;
                boolean chunked = false;
                for (String line : lines) {
                    String l = line.toLowerCase(Locale.ROOT);
                    if (l.startsWith("content-length:")) {
                        length = Long.parseLong(l.substring(15).trim());
                    } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
                        chunked = true;
                    }
                }
                out.write(head);
                if (chunked) {
                    copyChunked(in, out);
                } else {
                    copy(in, out, length);
                }
                out.flush();
            }
        } catch (IOException e) {
            // the connection ended
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private void answers(Socket upstream, Socket client) {
        try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
                answerBytes.addAndGet(n);
            }
        } catch (IOException e) {
            // the connection ended
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** The request line and headers up to the blank line, or null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == '\r' ? (matched == 2 ? 3 : 1) : b == '\n' && (matched == 1 || matched == 3) ? matched + 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        if (head.size() > 0) {
            throw new IOException("connection ended inside a request's headers");
        }
        return null;
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[16384];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("connection ended inside a request's body");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String size = readLine(in, out);
            long n = Long.parseLong(size.split(";")[0].trim(), 16);
            if (n == 0) {
                while (!readLine(in, out).isEmpty()) {
                    // trailers
                }
                return;
            }
            copy(in, out, n);
            readLine(in, out); // the CRLF after the chunk
        }
    }

    private static String readLine(InputStream in, OutputStream out) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            out.write(b);
            if (b == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("connection ended inside a chunked body");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        sockets.forEach(CountingProxy::closeQuietly);
    }
}
