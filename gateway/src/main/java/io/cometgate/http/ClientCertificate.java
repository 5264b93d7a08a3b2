package io.cometgate.http;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * The subject of the TLS client certificate a connection presented, as verified by the
 * listener's {@code --tls-client-ca} during the handshake; {@code null} on plain HTTP, without
 * {@code --tls-client-ca}, or when an optional certificate was not sent.
 */
final class ClientCertificate {

    private ClientCertificate() {
    }

    static String subject(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    ? leaf.getSubjectX500Principal().getName(X500Principal.RFC2253) : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }
}
