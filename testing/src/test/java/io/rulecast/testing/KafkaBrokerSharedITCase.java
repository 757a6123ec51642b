package io.rulecast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A second class in the same run: it must get the very same broker, not a second one. */
class KafkaBrokerSharedITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    @RegisterExtension static final KafkaBrokerExtension OTHER = new KafkaBrokerExtension();

    @Test
    void oneBrokerServesTheWholeRun() {
        assertEquals(KAFKA.broker().pid(), OTHER.broker().pid());
        assertTrue(KAFKA.broker().isRunning());

        String topic = KAFKA.createTopic("shared");
        OTHER.produce(topic, "k", "v");
        assertEquals("v", KAFKA.consume(topic, 1, Duration.ofSeconds(30)).get(0).value());
    }
}
