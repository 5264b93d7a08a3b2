package io.cometgate.cli;

import io.cometgate.http.ListenFailure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.BindException;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each operating-system bind error becomes one line naming the address and the fix. */
class BindErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bind(..) failed with error(-98): Address already in use | 127.0.0.1:8080 is already in use: stop the other process or pass --listen HOST:PORT",
            "Address already in use | 127.0.0.1:8080 is already in use: stop the other process or pass --listen HOST:PORT",
            "bind(..) failed with error(-99): Cannot assign requested address | 127.0.0.1:8080 is not an address of this machine: pass --listen with one of its addresses (or 0.0.0.0:PORT for all of them)",
            "bind(..) failed with error(-13): Permission denied | listening on 127.0.0.1:8080 needs privileges: pass --listen with a port above 1023, or grant the JVM CAP_NET_BIND_SERVICE",
            "something else | cannot listen on 127.0.0.1:8080: something else",
    })
    void everyBindErrorNamesTheAddressAndTheFix(String osError, String expected) {
        ListenFailure failure = new ListenFailure(new InetSocketAddress("127.0.0.1", 8080), new BindException(osError));
        assertEquals(expected, BindErrors.forListener(failure, "--listen"));
    }
}
