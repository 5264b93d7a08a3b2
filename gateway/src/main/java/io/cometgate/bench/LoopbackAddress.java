package io.cometgate.bench;

import io.cometgate.policy.HostPort;
import picocli.CommandLine;

import java.net.InetSocketAddress;

/** {@code IP:PORT} on loopback, read by the policy module's strict parser; anything else is a usage error. */
final class LoopbackAddress implements CommandLine.ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String value) {
        InetSocketAddress address;
        try {
            address = HostPort.literalSocketAddress(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (!address.getAddress().isLoopbackAddress()) {
            throw new CommandLine.TypeConversionException("the bench only uses loopback addresses, not '" + value + "'");
        }
        return address;
    }
}
