package io.rulecast.job.rules;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of the rules stream: always {@code Long.MAX_VALUE}. The routing operator's event time
 * is the minimum of its inputs, so a rules stream without watermarks would hold the events' event
 * time back forever.
 */
public final class RuleWatermarks implements WatermarkGenerator<RuleChange> {

    public static WatermarkStrategy<RuleChange> strategy() {
        return WatermarkStrategy.forGenerator(ctx -> new RuleWatermarks());
    }

    @Override
    public void onEvent(RuleChange event, long eventTimestamp, WatermarkOutput output) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE));
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE));
    }
}
