package io.tapflow.jobs.detect;

import io.tapflow.schema.Alert;
import io.tapflow.schema.AlertState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;

/**
 * The episode life cycle the tumbling-window detectors share: a window that crossed keeps its episode open for one
 * more window, a window that did not closes it (one CLOSED alert with the final evidence), and state goes once no
 * window and no episode is left.
 */
final class EpisodeWindows {
    private final String detector;
    private final long windowMs;
    private final Counter episodesClosed;

    EpisodeWindows(String detector, long windowMs, Counter episodesClosed) {
        this.detector = detector;
        this.windowMs = windowMs;
        this.episodesClosed = episodesClosed;
    }

    /** A detector's timer: ends the window that is due, closes an episode whose quiet window passed, keeps or drops state. */
    <S extends WindowedEpisodeState> void onTimer(ValueState<S> state, long timestamp, TimerService timers,
                                                  Collector<Alert> out) throws Exception {
        S s = state.value();
        if (s == null) {
            return;
        }
        if (s.windowActive() && timestamp >= s.windowEndMs) {
            endWindow(s, timers, out);
        }
        if (s.episode.open && !s.windowActive() && s.closeAtMs != WindowedEpisodeState.NONE && timestamp >= s.closeAtMs) {
            close(s, out); // a whole window went by without a counted flow
        }
        if (!s.episode.open && !s.windowActive()) {
            state.clear();
        } else {
            state.update(s);
        }
    }

    /** Ends the current window (on its timer, or ahead of the watermark when a later flow starts the next one). */
    void endWindow(WindowedEpisodeState s, TimerService timers, Collector<Alert> out) {
        if (s.episode.open) {
            if (s.crossed) {
                s.closeAtMs = s.windowEndMs + windowMs;
                timers.registerEventTimeTimer(s.closeAtMs);
            } else {
                close(s, out);
            }
        } else {
            s.episode = s.episode.restart(); // evidence below the thresholds is not kept beyond its window
        }
        s.endWindow();
    }

    private void close(WindowedEpisodeState s, Collector<Alert> out) {
        episodesClosed.inc();
        out.collect(s.episode.alert(detector, AlertState.CLOSED));
        s.episode = s.episode.restart();
        s.closeAtMs = WindowedEpisodeState.NONE;
    }
}
