package io.cometgate.flags;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The flags accept what the policy file accepts: one grammar for durations, sizes with k and m. */
class ConvertersTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"500ms, PT0.5S", "25s, PT25S", "5m, PT5M", "1h, PT1H", "24h, PT24H", "1ms, PT0.001S"})
    void positiveDurationsUseThePolicyGrammar(String text, Duration expected) {
        assertEquals(expected, new Converters.PositiveDuration().convert(text));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"0, PT0S", "1h, PT1H", "30s, PT30S"})
    void aGracePeriodMayBeZero(String text, Duration expected) {
        assertEquals(expected, new Converters.GraceDuration().convert(text));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"1, 1", "65536, 65536", "64k, 65536", "64K, 65536", "1m, 1048576", "1024m, 1073741824"})
    void sizes(String text, int expected) {
        assertEquals(expected, new Converters.Size().convert(text));
    }
}
