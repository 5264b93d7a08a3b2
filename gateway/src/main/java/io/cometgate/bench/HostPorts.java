package io.cometgate.bench;

import picocli.CommandLine;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} on loopback; anything else is a usage error that says why. */
final class HostPorts implements CommandLine.ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("port must be a number in '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException("port out of range in '" + value + "'");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new CommandLine.TypeConversionException("the bench only uses loopback addresses, not '" + value + "'");
        }
        return address;
    }
}
