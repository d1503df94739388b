package io.tapflow.jobs.operator;

import java.time.Duration;
import org.apache.flink.util.OutputTag;

/** One aggregate the job keeps: what it is keyed on, its window size, and the side output its partials take. */
public enum Aggregate {
    FLOWS_1M(Kind.FLOW, Duration.ofMinutes(1)),
    FLOWS_1H(Kind.FLOW, Duration.ofHours(1)),
    LINKS_1M(Kind.LINK, Duration.ofMinutes(1)),
    LINKS_1H(Kind.LINK, Duration.ofHours(1)),
    HOSTS_1M(Kind.HOST, Duration.ofMinutes(1)),
    HOSTS_1H(Kind.HOST, Duration.ofHours(1));

    /** Flow aggregates key on link × protocol × app × addresses × service port; links on the link; hosts on link × host. */
    public enum Kind { FLOW, LINK, HOST }

    private final Kind kind;
    private final Duration size;
    private final OutputTag<Partial> tag;

    Aggregate(Kind kind, Duration size) {
        this.kind = kind;
        this.size = size;
        this.tag = new OutputTag<>("partials-" + name().toLowerCase(), org.apache.flink.api.common.typeinfo.Types.POJO(Partial.class));
    }

    public Kind kind() {
        return kind;
    }

    public Duration size() {
        return size;
    }

    /** "1m" or "1h": the suffix of its ClickHouse table. */
    public String suffix() {
        return size.toHours() >= 1 ? size.toHours() + "h" : size.toMinutes() + "m";
    }

    public OutputTag<Partial> tag() {
        return tag;
    }
}
