package io.tapflow.agent.classify;

import io.tapflow.classifier.verdict.Verdict;

/**
 * One flow record of a classify run as the scorer needs it: the 5-tuple (text addresses) and the verdict; with the
 * flow's sequence and first packet time, which an agent metering the same capture gives its record too.
 */
public record ClassifiedFlow(String proto, String srcIp, int srcPort, String dstIp, int dstPort, Verdict verdict,
                             long flowSeq, long firstMs) {
}
