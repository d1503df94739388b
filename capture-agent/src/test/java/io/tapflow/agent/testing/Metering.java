package io.tapflow.agent.testing;

import io.tapflow.agent.meter.CaptureReplay;
import io.tapflow.agent.meter.Meter;
import io.tapflow.agent.meter.MeterSettings;
import io.tapflow.schema.EndReason;
import java.nio.file.Path;
import java.util.List;

/** Runs captures through a meter into a {@link CollectingSink}. */
public final class Metering {
    private Metering() {
    }

    public record Run(CollectingSink sink, Meter meter, CaptureReplay.Result result) {
    }

    public static Run run(MeterSettings settings, Path... files) {
        CollectingSink sink = new CollectingSink();
        Meter meter = new Meter(settings, sink, (m, ts, last) -> { });
        CaptureReplay.Result result = new CaptureReplay(meter, 0, () -> false).run(List.of(files));
        meter.finish(EndReason.END_OF_INPUT);
        return new Run(sink, meter, result);
    }
}
