package io.cometgate.cli;

import io.cometgate.flags.Converters;
import io.cometgate.policy.IpLiterals;
import io.cometgate.tls.DevCa;
import io.cometgate.tls.PemPair;
import io.cometgate.tls.SelfSigned;
import io.cometgate.tls.TlsConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cometgate cert}: development certificates, so HTTPS/WSS and backend TLS can be tried without
 * a real CA. Writes PEM files the gateway (and curl, browsers, XMPP/IRC servers) read.
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Create development TLS certificates (PEM).",
        subcommands = {CertCommand.Ca.class, CertCommand.Issue.class, CertCommand.SelfSignedCmd.class})
public final class CertCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int RUNTIME_ERROR = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = "Generate a development CA (ca.pem, ca-key.pem) into a directory.")
    static final class Ca implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for ca.pem and ca-key.pem.")
        Path out;

        @Option(names = "--cn", paramLabel = "NAME", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
        String commonName = DevCa.DEFAULT_NAME;

        @Option(names = "--days", paramLabel = "N", converter = Converters.Days.class, description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days = (int) DevCa.DEFAULT_CA_VALIDITY.toDays();

        @Option(names = "--force", description = "Overwrite existing files.")
        boolean force;

        @Override
        public Integer call() {
            return run(spec, days, () -> {
                PemPair files = DevCa.generate(commonName, Duration.ofDays(days)).writeTo(out, force);
                PrintWriter o = spec.commandLine().getOut();
                o.println("CA certificate: " + files.certFile() + "  (give this to browsers, curl --cacert, backends)");
                o.println("CA key:         " + files.keyFile() + "  (keep private)");
                o.println("Next: cometgate cert issue --ca " + out + " --name HOST --out DIR");
            });
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a server certificate (cert.pem, key.pem) signed by a CA directory.")
    static final class Issue implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--ca", required = true, paramLabel = "DIR", description = "Directory with ca.pem and ca-key.pem.")
        Path caDir;

        @Option(names = "--name", paramLabel = "HOST", description = "DNS name (repeatable, *.example.test allowed).")
        List<String> names = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "IP", description = "IP address (repeatable).")
        List<String> ips = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for cert.pem and key.pem.")
        Path out;

        @Option(names = "--days", paramLabel = "N", converter = Converters.Days.class, description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days = (int) DevCa.DEFAULT_SERVER_VALIDITY.toDays();

        @Option(names = "--force", description = "Overwrite existing files.")
        boolean force;

        @Override
        public Integer call() {
            if (names.isEmpty() && ips.isEmpty()) {
                return usage(spec, "give at least one --name or --ip");
            }
            for (String ip : ips) {
                if (!IpLiterals.isLiteral(ip)) {
                    return usage(spec, "--ip '" + ip + "' is not a canonical IP address (e.g. 192.0.2.10 or 2001:db8::10)");
                }
            }
            for (String name : names) {
                if (IpLiterals.isLiteral(name)) {
                    return usage(spec, "--name '" + name + "' is an IP address; pass it with --ip");
                }
            }
            List<String> all = new ArrayList<>(names);
            all.addAll(ips);
            return run(spec, days, () -> {
                PemPair files = DevCa.load(caDir).issueTo(out, all, Duration.ofDays(days), force);
                PrintWriter o = spec.commandLine().getOut();
                o.println("certificate: " + files.certFile() + "  for " + String.join(", ", all));
                o.println("key:         " + files.keyFile());
            });
        }
    }

    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Generate a self-signed certificate for localhost, 127.0.0.1, ::1 and any --name.")
    static final class SelfSignedCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for cert.pem and key.pem.")
        Path out;

        @Option(names = "--name", paramLabel = "HOST", description = "Extra DNS name or IP address (repeatable).")
        List<String> names = new ArrayList<>();

        @Option(names = "--days", paramLabel = "N", converter = Converters.Days.class, description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days = (int) SelfSigned.DEFAULT_VALIDITY.toDays();

        @Option(names = "--force", description = "Overwrite existing files.")
        boolean force;

        @Override
        public Integer call() {
            return run(spec, days, () -> {
                PemPair files = SelfSigned.writeTo(out, names, Duration.ofDays(days), force);
                PrintWriter o = spec.commandLine().getOut();
                o.println("certificate: " + files.certFile() + "  (trust it: curl --cacert " + files.certFile() + ")");
                o.println("key:         " + files.keyFile());
            });
        }
    }

    /** A step that writes files; fails with a message for the user. */
    interface Step {
        void run() throws TlsConfigException;
    }

    private static int run(CommandSpec spec, int days, Step step) {
        if (days < 1 || days > 36500) {
            return usage(spec, "--days must be between 1 and 36500, got " + days);
        }
        try {
            step.run();
            return OK;
        } catch (TlsConfigException | IllegalArgumentException e) {
            // Bad input (a malformed name, an unusable CA directory, a file in the way): fix and rerun.
            spec.commandLine().getErr().println("cometgate cert " + spec.name() + ": " + e.getMessage());
            return USAGE;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("cometgate cert " + spec.name() + ": failed: " + e);
            return RUNTIME_ERROR;
        }
    }

    private static int usage(CommandSpec spec, String message) {
        spec.commandLine().getErr().println("cometgate cert " + spec.name() + ": " + message);
        return USAGE;
    }
}
