package io.tapflow.agent.cli;

import picocli.CommandLine.Command;

/** Benchmarks that print figures; targets live here, never in timed unit tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: generate a trace (gen) and meter it (meter).", subcommands = {})
public final class BenchCommand {
}
