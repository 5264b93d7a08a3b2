package io.cometgate.tls;

import io.cometgate.policy.IpLiterals;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS toward backends: verifies the backend's certificate against the target NAME from the policy
 * while the socket goes to the IP address the policy checked (never a second DNS lookup).
 *
 * <p>One instance per distinct CA bundle; build it when the policy is loaded (it reads files) and share
 * it between connections. Suites are the JVM's defaults rather than the server's AEAD-only list: the
 * gateway does not choose the backends, and TLS 1.2 with a CBC suite still beats plain text.
 */
public final class BackendTlsContexts {

    private static final Logger log = LoggerFactory.getLogger(BackendTlsContexts.class);

    private final SslContext context;
    private final boolean insecure;

    private BackendTlsContexts(SslContext context, boolean insecure) {
        this.context = context;
        this.insecure = insecure;
    }

    /**
     * Verifying contexts.
     *
     * @param caBundle PEM file of trusted CA certificates, or {@code null} for the JVM's default trust store
     */
    public static BackendTlsContexts verifying(Path caBundle) throws TlsConfigException {
        SslContextBuilder builder = base();
        if (caBundle != null) {
            builder.trustManager(PemFiles.readCertificates(caBundle));
        }
        return new BackendTlsContexts(build(builder, caBundle == null ? "the JVM trust store" : caBundle.toString()),
                false);
    }

    /**
     * Trusts every certificate: anyone on the path can read and change the traffic. For development
     * against backends with throwaway certificates only; every use is logged at WARN.
     */
    public static BackendTlsContexts insecure() throws TlsConfigException {
        log.warn("backend TLS verification is DISABLED (tls-insecure): backend certificates and names are not checked");
        return new BackendTlsContexts(build(base().trustManager(InsecureTrustManagerFactory.INSTANCE), "insecure"),
                true);
    }

    public SslContext context() {
        return context;
    }

    public boolean isInsecure() {
        return insecure;
    }

    /**
     * The handler for one backend connection.
     *
     * @param targetName     the host name (or IP literal) the policy allowed; SNI and certificate checks use it
     * @param checkedAddress the address the policy checked and the channel connects to
     */
    public SslHandler newHandler(ByteBufAllocator alloc, String targetName, InetSocketAddress checkedAddress) {
        String name = bare(targetName);
        SslHandler handler = context.newHandler(alloc, name, checkedAddress.getPort());
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        if (insecure) {
            log.warn("backend TLS to {} at {} is NOT verified (tls-insecure): the connection can be intercepted",
                    name, checkedAddress);
            params.setEndpointIdentificationAlgorithm(null);
        } else {
            // RFC 2818 / RFC 6125 name matching inside the JDK trust manager, against `name`.
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!IpLiterals.isLiteral(name)) {
            // RFC 6066: SNI carries host names only, never IP literals.
            try {
                params.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException notStd3) {
                // e.g. an internal name with '_': no SNI then, but the name is still verified below.
                log.debug("backend TLS to {}: not a valid SNI host name, sending none", name);
            }
        }
        engine.setSSLParameters(params);
        return handler;
    }

    /** Drops IPv6 brackets and one trailing dot so SNI and name checks see the plain name. */
    private static String bare(String targetName) {
        String name = targetName.trim();
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static SslContextBuilder base() {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(ServerTlsContexts.PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
    }

    private static SslContext build(SslContextBuilder builder, String trust) throws TlsConfigException {
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsConfigException("cannot build the backend TLS context (trust: " + trust + "): "
                    + e.getMessage(), e);
        }
    }
}
