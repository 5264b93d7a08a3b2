package io.cometgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a server process costs, read from outside it: heap after a full GC ({@code jcmd}),
 * RSS, open files and CPU ticks from {@code /proc} (summed over its child processes, since
 * websockify forks one per connection), and the kernel's TCP socket count and memory.
 */
final class Probe {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final long pid;

    Probe(long pid) {
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** Whether the process is a JVM we can ask for its heap. */
    boolean isJava() {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim().equals("java");
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes of Java heap in use right after a full GC, or -1 when jcmd cannot tell. */
    long heapAfterGc() {
        if (!isJava()) {
            return -1;
        }
        run("GC.run");
        Matcher m = HEAP_USED.matcher(run("GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private String run(String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Resident set size in bytes, the process and its descendants. */
    long rss() {
        long total = 0;
        for (long p : tree()) {
            total += statusField(p, "VmRSS:") * 1024;
        }
        return total;
    }

    /** Proportional set size in bytes (shared pages split among sharers): fair for forked servers. */
    long pss() {
        long total = 0;
        for (long p : tree()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p + "/smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        total += Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or no smaps_rollup
            }
        }
        return total;
    }

    long openFiles() {
        long total = 0;
        for (long p : tree()) {
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + p + "/fd"))) {
                total += fds.count();
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        return total;
    }

    /** user + system CPU time in nanoseconds, the process and its descendants. */
    long cpuNanos() {
        long ticks = 0;
        for (long p : tree()) {
            String[] f = statFields(p);
            if (f.length > 14) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
        }
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** {@code [sockets in use, kernel memory pages]} from /proc/net/sockstat (TCP line). */
    static long[] tcpSockets() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
                if (line.startsWith("TCP:")) {
                    String[] f = line.split("\\s+");
                    long inuse = 0, mem = 0;
                    for (int i = 1; i + 1 < f.length; i += 2) {
                        if (f[i].equals("inuse")) {
                            inuse = Long.parseLong(f[i + 1]);
                        } else if (f[i].equals("mem")) {
                            mem = Long.parseLong(f[i + 1]);
                        }
                    }
                    return new long[] {inuse, mem};
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return new long[] {-1, -1};
    }

    private List<Long> tree() {
        List<Long> all = new ArrayList<>();
        all.add(pid);
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<long[]> parents = new ArrayList<>();
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).forEach(n -> {
                String[] f = statFields(Long.parseLong(n));
                if (f.length > 3) {
                    parents.add(new long[] {Long.parseLong(n), Long.parseLong(f[3])});
                }
            });
            for (int i = 0; i < all.size(); i++) {
                long parent = all.get(i);
                for (long[] pp : parents) {
                    if (pp[1] == parent && pp[0] != pid) {
                        all.add(pp[0]);
                    }
                }
            }
        } catch (IOException e) {
            // keep the root only
        }
        return all;
    }

    /** /proc/PID/stat split after the command name (which may hold spaces), field 1 = pid. */
    private static String[] statFields(long p) {
        try {
            String s = Files.readString(Path.of("/proc/" + p + "/stat"));
            int close = s.lastIndexOf(')');
            String[] rest = s.substring(close + 2).split(" ");
            String[] out = new String[rest.length + 2];
            out[0] = Long.toString(p);
            out[1] = "comm";
            System.arraycopy(rest, 0, out, 2, rest.length);
            return out;
        } catch (IOException | RuntimeException e) {
            return new String[0];
        }
    }

    private static long statusField(long p, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + p + "/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }
}
