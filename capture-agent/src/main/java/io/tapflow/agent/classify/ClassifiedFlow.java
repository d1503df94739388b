package io.tapflow.agent.classify;

import io.tapflow.classifier.verdict.Verdict;

/** One flow record of a classify run as the scorer needs it: the 5-tuple (text addresses) and the verdict. */
public record ClassifiedFlow(String proto, String srcIp, int srcPort, String dstIp, int dstPort, Verdict verdict) {
}
