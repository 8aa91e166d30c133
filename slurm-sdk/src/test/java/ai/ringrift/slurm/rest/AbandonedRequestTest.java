package ai.ringrift.slurm.rest;

import ai.ringrift.slurm.rest.ApiVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.ringrift.slurm.rest.JobSubmission;
import ai.ringrift.slurm.rest.RetryPolicy;
import ai.ringrift.slurm.rest.SlurmClient;
import ai.ringrift.slurm.rest.SlurmUnreachableException;
import ai.ringrift.slurm.rest.TokenSources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A submit the client gave up on, while the server had not read it yet (slurmrestd with every
 * connection slot taken leaves a new connection in the kernel's queue): when the server gets to
 * the connection at last, the request is gone, so it can never create a job after the client
 * looked for it and perhaps submitted again. The server here accepts nothing until the client has
 * given up, as such a slurmrestd does.
 */
class AbandonedRequestTest {

    @Test
    void aSubmitTheServerNeverReadIsDiscardedOnceTheClientGivesUp() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             SlurmClient client = SlurmClient.builder().baseUrl("http://127.0.0.1:" + server.getLocalPort())
                     .tokenSource(TokenSources.fixed("t0k3n")).apiVersion(ApiVersion.of("v0.0.40")).checkVersion(false)
                     .readTimeout(Duration.ofMillis(300)).submitTimeout(Duration.ofMillis(300)).callTimeout(Duration.ofSeconds(2))
                     .retryPolicy(RetryPolicy.none()).submitSettleTime(Duration.ZERO).build()) {
            JobSubmission job = JobSubmission.builder().name("abandoned").script("#!/bin/bash\ntrue\n")
                    .workingDirectory("/tmp").build();
            // no answer to the submit, nor to the lookups after it: the client cannot tell
            assertThatThrownBy(() -> client.submit(job)).isInstanceOf(SlurmUnreachableException.class)
                    .hasMessageContaining("may or may not have created a job");

            // now the server gets to the first connection: the submit in it is not there to read
            try (Socket first = server.accept()) {
                first.setSoTimeout(5000);
                assertThatThrownBy(() -> first.getInputStream().readAllBytes())
                        .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            }
        }
    }

    @Test
    void withAnOrdinaryCloseTheServerWouldStillReadIt() throws Exception {
        // the same with a socket closed the usual way (a FIN): the request is all there, and a
        // server that reads it late acts on it. This is what the reset above prevents.
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            c.getOutputStream().write("POST /slurm/v0.0.40/job/submit HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}".getBytes());
            c.close();
            try (Socket late = server.accept()) {
                assertThat(new String(late.getInputStream().readAllBytes())).startsWith("POST /slurm/v0.0.40/job/submit");
            } catch (IOException e) {
                throw new AssertionError("an ordinarily closed connection should still be readable", e);
            }
        }
    }
}
