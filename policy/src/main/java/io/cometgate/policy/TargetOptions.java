package io.cometgate.policy;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to connect one allowed target.
 *
 * @param connectTimeout backend connect timeout
 * @param tls            wrap the backend connection in TLS (SNI and certificate checked against the target name)
 * @param caBundle       PEM CA bundle to verify the backend with, or {@code null} for the JVM default
 * @param tlsInsecure    skip certificate verification (development only, logged loudly)
 * @param proxyProtocol  send a PROXY protocol header at connect: {@code null}, {@code "v1"} or {@code "v2"}
 * @param webircPasswordFile send an IRCv3 WEBIRC line with the password in this file, or {@code null}
 */
public record TargetOptions(Duration connectTimeout, boolean tls, Path caBundle, boolean tlsInsecure,
                            String proxyProtocol, Path webircPasswordFile) {

    public static final TargetOptions DEFAULT =
            new TargetOptions(Duration.ofSeconds(10), false, null, false, null, null);
}
