package io.cometgate.relay.clientaddr;

import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The IRCv3 {@code WEBIRC password gateway hostname ip} line that tells an IRC server the real client
 * address; sent as the very first line on a fresh backend connection.
 *
 * <p>The password is read once, when the policy is loaded (file I/O never runs on an event loop), and
 * checked so it can never break the line: no spaces, CR, LF or NUL, no leading ':'.
 */
public final class WebIrcLine {

    private final String password;
    private final String gateway;

    private WebIrcLine(String password, String gateway) {
        this.password = password;
        this.gateway = gateway;
    }

    /**
     * Reads the password from {@code passwordFile} (UTF-8, surrounding whitespace trimmed).
     *
     * @param gateway the gateway name the IRC server's WEBIRC block expects, e.g. {@code cometgate}
     * @throws IllegalArgumentException naming the file when it cannot be read or the password is unusable
     */
    public static WebIrcLine fromPasswordFile(Path passwordFile, String gateway) {
        String text;
        try {
            text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(passwordFile + ": cannot read the WEBIRC password: " + e, e);
        }
        return of(text.strip(), gateway, passwordFile.toString());
    }

    /** A line builder with a password given directly; {@code source} names it in errors. */
    static WebIrcLine of(String password, String gateway, String source) {
        String problem = paramProblem(password);
        if (problem != null) {
            throw new IllegalArgumentException(source + ": WEBIRC password " + problem
                    + " (put a single word on one line)");
        }
        String gatewayProblem = paramProblem(gateway);
        if (gatewayProblem != null) {
            throw new IllegalArgumentException("WEBIRC gateway name " + gatewayProblem);
        }
        return new WebIrcLine(password, gateway);
    }

    /** The line, CRLF-terminated, with the client address as host name. */
    public String line(InetAddress client) {
        return line(client, null);
    }

    /**
     * The line, CRLF-terminated.
     *
     * @param hostname the client's host name if the gateway looked it up (and it checked out), else {@code null}
     */
    public String line(InetAddress client, String hostname) {
        String ip = ircParam(NetUtil.toAddressString(client));
        String host = ip;
        if (hostname != null) {
            if (paramProblem(hostname) != null || !hostname.matches("[A-Za-z0-9.:-]{1,253}")) {
                throw new IllegalArgumentException("WEBIRC host name '" + hostname + "' is not a valid host name");
            }
            host = ircParam(hostname);
        }
        return "WEBIRC " + password + ' ' + gateway + ' ' + host + ' ' + ip + "\r\n";
    }

    /** An IRC middle parameter may not start with ':'; servers expect {@code 0::1} for {@code ::1}. */
    private static String ircParam(String value) {
        return value.startsWith(":") ? "0" + value : value;
    }

    /** Why {@code value} cannot be one IRC middle parameter, or null if it can. */
    private static String paramProblem(String value) {
        if (value == null || value.isEmpty()) {
            return "is empty";
        }
        if (value.startsWith(":")) {
            return "starts with ':'";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ') {
                return "contains a space";
            }
            if (c == '\r' || c == '\n' || c == 0) {
                return "contains a line break or NUL";
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return "contains a control or whitespace character";
            }
        }
        return null;
    }
}
