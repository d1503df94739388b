package io.tapflow.localstack.bench;

import io.tapflow.jobs.detect.DetectSettings;
import io.tapflow.jobs.detect.DetectStage;
import io.tapflow.schema.Address16;
import io.tapflow.schema.EndReason;
import io.tapflow.schema.FlowRecord;
import io.tapflow.schema.TunnelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The detectors' state after one source sweeps N destination addresses (one unanswered SYN each, to one port) at a
 * set rate, measured as Flink measures it: the size of a checkpoint taken right after the sweep's last flow, per
 * operator, from the MiniCluster's checkpoint statistics (heap state backend, checkpoints on disk).
 *
 * <p>The sweep goes through {@link DetectStage#detect} with the default settings. The watermark follows the sweep
 * (event time = the flow's last packet), so timers of windows that ended during the sweep have fired, as they would
 * live; the source then keeps emitting a flow no detector counts (an ACK on port 80) at the sweep's last time, so
 * there is no end-of-input watermark to empty the state before the checkpoint.
 */
public final class SweepStateProbe {
    /** Sweep flows the generator has handed out, across the JVM (the MiniCluster runs in this one). */
    private static final AtomicLong EMITTED = new AtomicLong();
    static final long T0 = 1_700_000_000_000L;

    /** One measured checkpoint: total bytes, and bytes per operator chain (job vertex) by name. */
    public record Result(long destinations, long totalBytes, Map<String, Long> bytesByOperator, double seconds) {
    }

    private SweepStateProbe() {
    }

    public static Result run(long destinations, long ratePerSecond, int port, int parallelism) throws Exception {
        if (destinations < 1 || destinations > 1L << 24) {
            throw new IllegalArgumentException("destinations must be 1-16777216 (one /8), got " + destinations);
        }
        if (ratePerSecond < 1 || port < 1 || port > 65_535 || parallelism < 1) {
            throw new IllegalArgumentException("rate, port (1-65535) and parallelism must be positive, got rate "
                    + ratePerSecond + ", port " + port + ", parallelism " + parallelism);
        }
        Path checkpoints = Files.createTempDirectory("tapflow-detect-state");
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build();
        long start = System.nanoTime();
        EMITTED.set(0);
        try (MiniCluster mini = new MiniCluster(cluster)) {
            mini.start();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(parallelism);
            env.enableCheckpointing(Duration.ofHours(1).toMillis()); // only the checkpoint triggered below
            DataGeneratorSource<FlowRecord> sweep = new DataGeneratorSource<>(new Sweep(destinations, ratePerSecond, port),
                    Long.MAX_VALUE, TypeInformation.of(FlowRecord.class));
            var flows = env.fromSource(sweep, WatermarkStrategy.<FlowRecord>forMonotonousTimestamps()
                            .withTimestampAssigner((r, ts) -> r.getLastMs()), "sweep").setParallelism(1);
            DetectStage.detect(flows, DetectSettings.defaults()).sinkTo(new DiscardingSink<>()).name("alerts: discarded");
            JobID job = mini.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
            while (EMITTED.get() <= destinations) { // the first filler follows the last sweep flow
                TimeUnit.MILLISECONDS.sleep(50);
            }
            long id = mini.triggerCheckpoint(job, CheckpointType.FULL).get(10, TimeUnit.MINUTES);
            Result result = measure(mini, job, id, destinations, (System.nanoTime() - start) / 1e9);
            mini.cancelJob(job).get();
            return result;
        } finally {
            deleteQuietly(checkpoints);
        }
    }

    private static Result measure(MiniCluster mini, JobID job, long id, long destinations, double seconds) throws Exception {
        for (int attempt = 0; attempt < 600; attempt++) {
            AccessExecutionGraph graph = mini.getExecutionGraph(job).get();
            AbstractCheckpointStats stats = graph.getCheckpointStatsSnapshot().getHistory().getCheckpointById(id);
            if (stats != null && stats.getStatus() == CheckpointStatsStatus.COMPLETED) {
                Map<String, Long> byOperator = new LinkedHashMap<>();
                for (AccessExecutionJobVertex v : graph.getVerticesTopologically()) {
                    TaskStateStats task = stats.getTaskStateStats(v.getJobVertexId());
                    byOperator.put(v.getName(), task == null ? 0 : task.getStateSize());
                }
                return new Result(destinations, stats.getStateSize(), byOperator, seconds);
            }
            if (stats != null && stats.getStatus() == CheckpointStatsStatus.FAILED) {
                throw new IllegalStateException("checkpoint " + id + " failed");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("checkpoint " + id + " did not complete in a minute");
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temp dir left behind is harmless
        }
    }

    /**
     * Flow i < N: 192.0.2.1 → 11.x.y.z (11.0.0.0 + i) on the port, SYN only, no answer, at T0 + i / rate. From N on:
     * every 20 ms one ACK-only flow on port 80 at the sweep's last time, which no detector counts.
     */
    private record Sweep(long destinations, long ratePerSecond, int port) implements GeneratorFunction<Long, FlowRecord> {
        @Override
        public FlowRecord map(Long i) throws Exception {
            long n = Math.min(i, destinations - 1);
            long t = T0 + n * 1000 / ratePerSecond;
            boolean filler = i >= destinations;
            if (filler) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            EMITTED.incrementAndGet();
            return FlowRecord.newBuilder()
                    .setAgentId("sweep").setLinkId("sweep").setAgentStartMs(T0).setFlowSeq(i)
                    .setFirstMs(t).setLastMs(t).setIpVersion(4)
                    .setSrcAddr(ipv4(0xC0000201L)).setDstAddr(ipv4(0x0B000000L + n))
                    .setSrcPort(40_000).setDstPort(filler ? 80 : port).setL4Proto(6)
                    .setMplsLabels(List.of()).setTunnelType(TunnelType.NONE)
                    .setPacketsFwd(1).setPacketsRev(0).setBytesFwd(60).setBytesRev(0)
                    .setTcpFlagsFwd(filler ? 0x10 : 0x02).setTcpFlagsRev(0)
                    .setEndReason(EndReason.IDLE_TIMEOUT).setSignatureIds(List.of())
                    .build();
        }
    }

    private static Address16 ipv4(long v) {
        byte[] a = new byte[16];
        a[10] = (byte) 0xFF;
        a[11] = (byte) 0xFF;
        a[12] = (byte) (v >>> 24);
        a[13] = (byte) (v >>> 16);
        a[14] = (byte) (v >>> 8);
        a[15] = (byte) v;
        return new Address16(a);
    }
}
