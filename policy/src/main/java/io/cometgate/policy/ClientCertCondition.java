package io.cometgate.policy;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code client-cert=} rule option: the target is reachable only from a session whose TLS
 * client certificate (verified by the listener, {@code serve --tls-client-ca}) has one of the
 * listed common names, or any verified certificate for {@code *}.
 */
final class ClientCertCondition {

    static final String ANY = "*";

    private ClientCertCondition() {
    }

    /** {@code alice,bob} or {@code *}. */
    static List<String> parse(String value) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(",", -1)) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("client-cert= wants common names separated by commas, or *");
            }
            names.add(name.trim());
        }
        return names;
    }

    /** {@code null} when allowed, else the fixed reason string. */
    static String check(List<String> allowed, String subject) {
        if (allowed.isEmpty()) {
            return null;
        }
        if (subject == null) {
            return Reasons.CLIENT_CERT_MISSING;
        }
        if (allowed.contains(ANY)) {
            return null;
        }
        String cn = commonName(subject);
        return cn != null && allowed.contains(cn) ? null : Reasons.CLIENT_CERT;
    }

    /** The most specific CN of an RFC 2253 subject, or {@code null}. */
    static String commonName(String subject) {
        try {
            List<Rdn> rdns = new LdapName(subject).getRdns(); // least specific first
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
