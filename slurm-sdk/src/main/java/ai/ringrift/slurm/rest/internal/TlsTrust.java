package ai.ringrift.slurm.rest.internal;

import ai.ringrift.slurm.rest.SlurmUsageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/** Trusting the CA certificates of a PEM file for https, instead of the JVM's. */
public final class TlsTrust {

    private TlsTrust() {}

    /** Makes {@code http} trust only the certificates in {@code caFile}. */
    public static void trustOnly(OkHttpClient.Builder http, Path caFile) {
        X509TrustManager trust = trustManager(caFile);
        http.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
    }

    private static X509TrustManager trustManager(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new SlurmUsageException("the CA file " + caFile + " holds no certificate (PEM expected)");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException e) {
            throw new SlurmUsageException("cannot read the CA file " + caFile + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new SlurmUsageException("the CA file " + caFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SlurmUsageException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
