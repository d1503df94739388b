package io.tapflow.jobs.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * A link's open heavy-hitter windows, oldest first: usually one, two while out-of-order flows of the previous
 * window still arrive before the watermark closes it. A Flink POJO.
 */
public final class HeavyHitterState {
    public List<HeavyHitterWindow> windows = new ArrayList<>(2);

    public HeavyHitterState() {
    }

    /** The open window starting at {@code startMs}, or null. */
    HeavyHitterWindow window(long startMs) {
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i).startMs == startMs) {
                return windows.get(i);
            }
        }
        return null;
    }
}
