package io.tapflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code replay}'s arguments: time forms, and a clear error line and exit code for each kind of mistake. */
class ReplayCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-23T06:00:00Z");
    private final InstantConverter times = new InstantConverter(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void timesAreIsoInstantsDatesNowOrAgo() {
        assertThat(times.convert("2026-11-23T05:00:00Z")).isEqualTo(NOW.minusSeconds(3600));
        assertThat(times.convert("2026-11-23T08:00:00+02:00")).isEqualTo(NOW);
        assertThat(times.convert("2026-11-23T06:00")).isEqualTo(NOW); // no offset: UTC
        assertThat(times.convert("2026-11-23")).isEqualTo(NOW.minusSeconds(6 * 3600));
        assertThat(times.convert("now")).isEqualTo(NOW);
        assertThat(times.convert("-2h")).isEqualTo(NOW.minusSeconds(7200));
        assertThat(times.convert("-30m")).isEqualTo(NOW.minusSeconds(1800));
        assertThat(times.convert("-1d")).isEqualTo(NOW.minusSeconds(86_400));
        assertThatThrownBy(() -> times.convert("yesterday")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'yesterday' is not a time");
        assertThatThrownBy(() -> times.convert("-2x")).hasMessageContaining("'-2x' is not a time");
    }

    @Test
    void aBadTimeIsAUsageError() {
        Run r = replay("--from", "yesterday", "--to", "now");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("'yesterday' is not a time");
    }

    @Test
    void anEmptyOrReversedRangeIsAUsageError() {
        Run r = replay("--from", "-1h", "--to", "-2h");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--to must be after --from");
    }

    @Test
    void aMissingRuleFileIsAUsageError() {
        Run r = replay("--from", "-1h", "--to", "now", "--host-rules", "/nonexistent/hosts.txt");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("no such rule file: /nonexistent/hosts.txt");
        r = replay("--from", "-1h", "--to", "now", "--rules", "/nonexistent");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("no such rules directory: /nonexistent");
        r = replay("--from", "-1h", "--to", "now", "--signatures", "/nonexistent/sigs.txt");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("no such rule file: /nonexistent/sigs.txt");
    }

    @Test
    void theLiveAnalysisNameIsTaken() {
        Run r = replay("--from", "-1h", "--to", "now", "--analysis", "live");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("'live' is the live job's");
        r = replay("--from", "-1h", "--to", "now", "--analysis", "a b");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("analysis name must be");
    }

    @Test
    void anUnreachableBrokerFailsInOneLine() {
        Run r = replay("--from", "-1h", "--to", "now", "--kafka", "127.0.0.1:1");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("Kafka at 127.0.0.1:1").contains("unreachable");
        assertThat(r.err.lines().count()).isEqualTo(1);
    }

    private static Run replay(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "replay";
        all[1] = "--clickhouse";
        all[2] = "http://127.0.0.1:1";
        System.arraycopy(args, 0, all, 3, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = JobsCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
