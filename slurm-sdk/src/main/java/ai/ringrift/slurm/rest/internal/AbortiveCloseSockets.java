package ai.ringrift.slurm.rest.internal;


import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * Sockets that close with a reset (SO_LINGER 0) instead of a FIN. When the client gives up on a
 * request (its read timeout), the request may still sit unread at slurmrestd: in the kernel's
 * queue of a connection slurmrestd has not got to (with {@code --max-connections} every slot can
 * be held by other connections, idle kept-alive ones included, for as long as they stay open).
 * After a FIN, slurmrestd reads that request whenever it gets to the connection and acts on it,
 * minutes later, long after the client looked for the job and perhaps submitted it again. A reset
 * discards what slurmrestd has not read, so a request it never read can never create a job later.
 */
public final class AbortiveCloseSockets extends SocketFactory {

    private final SocketFactory delegate = SocketFactory.getDefault();

    private static Socket abortive(Socket s) throws SocketException {
        s.setSoLinger(true, 0);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        return abortive(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return abortive(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return abortive(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return abortive(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return abortive(delegate.createSocket(address, port, localAddress, localPort));
    }
}
