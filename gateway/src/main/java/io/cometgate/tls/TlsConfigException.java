package io.cometgate.tls;

/**
 * A certificate, key or TLS setting that cannot be used. The message names the file and the problem,
 * e.g. {@code server.key: no private key found (expected PKCS#8 or RSA/EC PEM)}, so the CLI can print
 * it as is and exit 2.
 */
public final class TlsConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
