package io.cometgate.cli;

import io.cometgate.tls.ClientCertificates;
import io.cometgate.tls.ReloadingServerTls;
import io.cometgate.tls.SelfSigned;
import io.cometgate.tls.ServerTlsContexts;
import io.cometgate.tls.TlsConfigException;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TLS listeners' certificate flags of {@code serve} (a picocli mixin, so they also come from
 * {@code COMETGATE_*} variables and the config file like every other flag), and the one place
 * that turns them into a certificate source: files, a development self-signed pair, and the
 * optional client-certificate CA.
 */
final class ServerTlsOptions {

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "PEM bundle of the CAs that issue client certificates: TLS listeners ask every client for one "
                    + "(mutual TLS). Required unless --tls-client-auth optional. Read once at start.")
    Path tlsClientCa;

    @Option(names = "--tls-client-auth", paramLabel = "MODE",
            description = "With --tls-client-ca: 'required' (default; a client without a valid certificate fails the "
                    + "handshake) or 'optional' (checked when sent).")
    String tlsClientAuth = "required";

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for the TLS listeners (reloaded when it changes).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8, or traditional RSA/EC) for the TLS listeners.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", paramLabel = "DIR",
            description = "Development only: use (creating it if absent) a self-signed EC P-256 certificate in DIR "
                    + "(cert.pem, key.pem; SANs localhost, 127.0.0.1, ::1 and every --hostname).")
    Path tlsSelfSigned;

    /** The TLS listeners' certificate source, or {@code null} when there are none. */
    ReloadingServerTls serverTls(List<InetSocketAddress> tlsListen, List<String> hostnames, PrintWriter out)
            throws TlsConfigException {
        boolean haveFiles = tlsCert != null || tlsKey != null;
        if (tlsListen == null || tlsListen.isEmpty()) {
            if (haveFiles || tlsSelfSigned != null || tlsClientCa != null) {
                throw new IllegalArgumentException("--tls-cert/--tls-key/--tls-self-signed/--tls-client-ca need at least one --tls-listen");
            }
            return null;
        }
        if (haveFiles == (tlsSelfSigned != null) || haveFiles && (tlsCert == null || tlsKey == null)) {
            throw new IllegalArgumentException("--tls-listen needs either both --tls-cert and --tls-key, or --tls-self-signed DIR");
        }
        ServerTlsContexts.restrictNamedGroups();
        ClientCertificates clients = clientCertificates();
        if (tlsSelfSigned != null) {
            Path cert = tlsSelfSigned.resolve(SelfSigned.CERT_FILE);
            Path key = tlsSelfSigned.resolve(SelfSigned.KEY_FILE);
            if (!Files.exists(cert) || !Files.exists(key)) {
                SelfSigned.writeTo(tlsSelfSigned, hostnames, SelfSigned.DEFAULT_VALIDITY, false);
                out.println("cometgate: wrote a self-signed certificate to " + cert
                        + " (trust it in your browser or pass it to curl --cacert)");
            }
            org.slf4j.LoggerFactory.getLogger(ServerTlsOptions.class).warn(
                    "TLS with a self-signed certificate from {}: for development only", tlsSelfSigned);
            return ReloadingServerTls.start(cert, key, clients);
        }
        return ReloadingServerTls.start(tlsCert, tlsKey, clients);
    }

    /** {@code --tls-client-ca}/{@code --tls-client-auth}, or {@code null} without a client CA. */
    private ClientCertificates clientCertificates() throws TlsConfigException {
        if (!tlsClientAuth.equals("required") && !tlsClientAuth.equals("optional")) {
            throw new IllegalArgumentException("--tls-client-auth must be required or optional (got '" + tlsClientAuth + "')");
        }
        return tlsClientCa == null ? null : ClientCertificates.load(tlsClientCa, tlsClientAuth.equals("required"));
    }
}
