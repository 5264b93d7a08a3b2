package io.cometgate.cli;

import io.cometgate.cluster.RedisClusterLimits;
import io.cometgate.demo.DemoBackends;
import io.cometgate.http.EventLoops;
import io.cometgate.http.GatewayServer;
import io.cometgate.policy.PolicyDecider;
import io.cometgate.tls.ReloadingServerTls;

/** What a running {@code serve} holds (listeners, demo backends, policy, TLS, event loops), closed in reverse order of starting. */
final class RunningGateway {
    final EventLoops loops;
    final PolicyDecider filePolicy;
    final ReloadingServerTls tls;
    DemoBackends demoBackends;
    BuiltInDemoPolicy demoPolicy;
    GatewayServer server;
    RedisClusterLimits redis;

    RunningGateway(EventLoops loops, PolicyDecider filePolicy, ReloadingServerTls tls) {
        this.loops = loops;
        this.filePolicy = filePolicy;
        this.tls = tls;
    }

    void reloadPolicy() {
        if (filePolicy != null) {
            filePolicy.reload();
        } else {
            org.slf4j.LoggerFactory.getLogger(ServeCommand.class).info("the built-in demo policy has no file to re-read");
        }
    }

    void close() {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (demoBackends != null) {
            demoBackends.close();
        }
        if (demoPolicy != null) {
            demoPolicy.close();
        }
        if (filePolicy != null) {
            filePolicy.close();
        }
        if (tls != null) {
            tls.close();
        }
        loops.shutdown();
    }
}
