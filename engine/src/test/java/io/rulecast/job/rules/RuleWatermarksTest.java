package io.rulecast.job.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class RuleWatermarksTest {

    @Test
    void theRulesStreamNeverHoldsEventTimeBack() {
        List<Long> emitted = new ArrayList<>();
        WatermarkOutput out =
                new WatermarkOutput() {
                    @Override
                    public void emitWatermark(Watermark watermark) {
                        emitted.add(watermark.getTimestamp());
                    }

                    @Override
                    public void markIdle() {}

                    @Override
                    public void markActive() {}
                };
        RuleWatermarks w = new RuleWatermarks();
        w.onPeriodicEmit(out);
        w.onEvent(
                RuleChange.delete(new RoutingRow(1, "d", "t", "m", "js", "", null, true, 0, 0)),
                5,
                out);
        assertEquals(List.of(Long.MAX_VALUE, Long.MAX_VALUE), emitted);
    }
}
