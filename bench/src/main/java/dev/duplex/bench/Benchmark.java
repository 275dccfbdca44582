package dev.duplex.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the whole benchmark: starts the fake upstream and Duplex (Payara Micro with the built WAR) as separate
 * processes, drives each load level directly against the upstream and through Duplex in the same run, and
 * prints a Markdown report (also written to bench/target/report.md). See docs/benchmarks.md.
 */
public final class Benchmark {

    private final Map<String, String> options;
    private final StringBuilder report = new StringBuilder();
    /**
     * Every level's slow tokens by 100 ms window: its start at wall-clock time (for collectors' logs) and in
     * seconds of the monotonic clock (for {@code perf sched record -k CLOCK_MONOTONIC}), and how many.
     */
    private final StringBuilder slowWindows = new StringBuilder();
    private Process upstream;
    private ServerProcess duplex;
    private KernelBursts kernelBursts;
    private URI upstreamBase;
    /** Reads the fake upstream's stats, four times a level: one client, not a new one (and selector thread) each. */
    private final HttpClient upstreamStats = HttpClient.newHttpClient();

    private Benchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        // a benchmark stopped with Ctrl-C or kill takes Duplex and the fake upstream with it
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                // --micro-options takes Payara Micro options, which start with "--" themselves
                boolean flag = i + 1 == args.length
                        || args[i + 1].startsWith("--") && !args[i].equals("--micro-options");
                options.put(args[i].substring(2), flag ? "true" : args[++i]);
            }
        }
        Benchmark benchmark = new Benchmark(options);
        try {
            benchmark.run();
        } finally {
            benchmark.stop();
        }
        System.exit(0);
    }

    /** The options Duplex's JVM was started with, for the report. */
    private String duplexJvm = "";

    private void run() throws Exception {
        startUpstream();
        startDuplex();
        DirectLoad direct = new DirectLoad(upstreamBase);
        DuplexLoad relay = new DuplexLoad(URI.create("ws://localhost:" + duplex.base().getPort() + "/ws/chat"));
        boolean quick = options.containsKey("quick");

        line("# Duplex benchmark, " + Instant.now());
        line("");
        line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores" + (options.containsKey("duplex-cpus")
                ? " for the load generator and the upstream, Duplex on CPUs " + options.get("duplex-cpus") : "") + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ". Duplex on " + (options.getOrDefault("server", "payara").equals("wildfly") ? "WildFly" : "Payara Micro")
                + " (pid " + duplex.pid() + "), fake upstream and load generator in separate"
                + " processes, all on this machine. Duplex's JVM options: `" + duplexJvm + "`."
                + (openAiChunks() ? " Token chunks with every field OpenAI's API sends (`--chunks openai`)." : ""));
        line("");
        List<Level> levels = options.containsKey("idle-only") || options.containsKey("stalled-only") ? List.of()
                : options.containsKey("levels") ? Level.parseAll(options.get("levels")) : quick
                ? List.of(new Level(10, 2, 50, 20, 0), new Level(100, 2, 50, 20, 0), new Level(100, 2, 500, 0, 0))
                // 100 x 50 is the level with latency targets: 10 messages a session (about 12 s, 50,000 tokens), so
                // that one young collection, which comes every few seconds, does not decide its p99 by itself
                : List.of(new Level(1, 5, 50, 20, 0), new Level(10, 3, 50, 20, 0), new Level(100, 10, 50, 20, 0),
                        // the same, each session's messages in one conversation: a turn reads its history first
                        new Level(100, 10, 50, 20, 0, true),
                        new Level(500, 3, 50, 20, 0), new Level(1000, 3, 50, 20, 0),
                        // one session at full speed: 20 messages (40,000 tokens), as 3 (about 50 ms in all)
                        // measured its three first tokens more than its rate (finding 60)
                        new Level(1, 20, 2000, 0, 0), new Level(10, 3, 1000, 0, 0), new Level(100, 2, 500, 0, 0),
                        new Level(1000, 1, 200, 0, 0));
        // The JIT keeps compiling Payara's code for minutes: measuring before that measures the compiler. At least
        // --warmup rounds, then more (up to 4 times as many) until the compiler threads use under a tenth of
        // Duplex's CPU during a round.
        boolean conversations = levels.stream().anyMatch(Level::conversation);
        int warmups = Integer.parseInt(options.getOrDefault("warmup", quick ? "1" : "4"));
        System.out.println("warming up (at least " + warmups + " rounds)...");
        for (int i = 0; i < 4 * warmups; i++) {
            Map<String, Double> threadsBefore = duplex.threadCpuSeconds();
            double cpuBefore = duplex.cpuSeconds();
            direct.run(new Level(50, 4, 200, 0, 0), "warm-d" + i);
            warmRelay(relay, new Level(50, 4, 200, 0, 0), "warm-r" + i);
            direct.run(new Level(100, 8, 50, 20, 0), "warm-pd" + i);
            warmRelay(relay, new Level(100, 8, 50, 20, 0), "warm-pr" + i);
            if (conversations) { // a conversation's turns take code paths a first message does not
                direct.run(new Level(100, 4, 50, 20, 0, true), "warm-cd" + i);
                warmRelay(relay, new Level(100, 4, 50, 20, 0, true), "warm-cr" + i);
            }
            // a level larger than the rounds above reaches code and type profiles they do not (group commits of
            // many writes, long queues): without this, C2 took a quarter of Duplex's CPU during 500 x 50 (finding 59)
            for (Level level : levels) {
                if (level.sessions() > 100) {
                    Level once = new Level(level.sessions(), 1, level.tokens(), level.intervalMs(), level.ttftMs(),
                            level.conversation());
                    direct.run(once, "warm-ld" + i);
                    warmRelay(relay, once, "warm-lr" + i);
                }
            }
            double compiling = compilerShare(threadsBefore, duplex.threadCpuSeconds(), duplex.cpuSeconds() - cpuBefore);
            System.out.printf(Locale.ROOT, "warm-up round %d: the JIT compilers used %.0f%% of Duplex's CPU%n", i + 1,
                    100 * compiling);
            if (i + 1 >= warmups && compiling < 0.10) {
                break;
            }
        }

        line("## Streaming levels (latency in ms; added = Duplex minus direct, same run)");
        line("");
        line("| level | mode | tokens | tokens/s | errors | TTFT p50 | TTFT p99 | latency p50 | p99 | max "
                + "| added p50 | added p99 | TTFT overhead p99 | throughput vs direct | server CPU ms / 1k tokens |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        int run = 0;
        List<String> store = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        List<String> cores = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        MachineCpu machine = new MachineCpu(duplex.pid(), upstream.pid());
        kernelBursts = new KernelBursts();
        upstreamArrivals(); // forgets the warm-up's
        for (Level level : levels) {
            Map<String, Long> upstreamGc = upstreamCollections();
            long[] generatorGc = OwnCollections.now();
            MachineCpu.Snapshot directBefore = machine.take();
            Result d = direct.run(level, "d" + run);
            cores.add(MachineCpu.row(level.name(), "direct", directBefore, machine.take()));
            slow.add(slowRow(d, generatorGc, upstreamGc));
            Samples directRequests = d.requestPath(upstreamArrivals());
            double writes = duplex.gauge("duplex_store_writes");
            double transactions = duplex.gauge("duplex_store_transactions");
            double[] gcBefore = duplex.collections();
            long startedBefore = duplex.threadsStarted();
            Map<String, Double> threadsBefore = duplex.threadCpuSeconds();
            Map<String, Long> runsBefore = duplex.threadRuns();
            double cpuBefore = duplex.cpuSeconds();
            upstreamGc = upstreamCollections();
            generatorGc = OwnCollections.now();
            MachineCpu.Snapshot relayBefore = machine.take();
            Result r = relay.run(level, "r" + run, duplex);
            cores.add(MachineCpu.row(level.name(), "duplex", relayBefore, machine.take()));
            slow.add(slowRow(r, generatorGc, upstreamGc));
            Samples relayRequests = r.requestPath(upstreamArrivals());
            requests.add(String.format(Locale.ROOT, "| %s | %.2f (%.2f) | %.2f (%.2f) | %.2f (%.2f) | %d (%d) |",
                    level.name(), ms(relayRequests.percentile(50)), ms(directRequests.percentile(50)),
                    ms(relayRequests.percentile(99)), ms(directRequests.percentile(99)), ms(relayRequests.max()),
                    ms(directRequests.max()), relayRequests.size(), directRequests.size()));
            String shares = threadShares(threadsBefore, duplex.threadCpuSeconds(), duplex.cpuSeconds() - cpuBefore,
                    runsBefore, duplex.threadRuns(), r.tokens());
            double[] gcAfter = duplex.collections();
            threads.add(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %s |", level.name(),
                    gcAfter[0] - gcBefore[0], 1000 * (gcAfter[1] - gcBefore[1]),
                    duplex.threadsStarted() - startedBefore, shares));
            run++;
            row(d, null);
            row(r, d);
            writes = duplex.gauge("duplex_store_writes") - writes;
            transactions = duplex.gauge("duplex_store_transactions") - transactions;
            store.add(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f | %.1f |", level.name(),
                    level.sessions() * level.messages(), writes, transactions, writes / Math.max(1, transactions),
                    duplex.gauge("duplex_data_file_bytes") / 1e6));
        }
        line("");
        line("### From a message's sending to the upstream's having read its request (ms; direct in brackets)");
        line("");
        line("The part of the time to first token before the provider is asked: for Duplex, the WebSocket frame's way"
                + " in, the turn's set-up (a conversation's history read) and the HTTP client's request.");
        line("");
        line("| level | p50 | p99 | max | messages |");
        line("|---|---|---|---|---|");
        requests.forEach(this::line);
        line("");
        line("### Conversation store: writes and the transactions they shared (group commit), and the embedded"
                + " database's file after the level (finding 53)");
        line("");
        line("| level | messages | writes | transactions | writes per transaction | file MB |");
        line("|---|---|---|---|---|---|");
        store.forEach(this::line);
        line("");
        line("### Where Duplex's CPU went: its collections (count and the milliseconds they paused it, from its base"
                + " metrics), the threads it started (its JVM's java.threads.started counter, by jcmd: finding 71) and"
                + " its threads' shares (user + system time from /proc; numbered threads as N; names cut at 15"
                + " characters), with their runs on a core per relayed token in brackets (schedstat; finding 80)");
        line("");
        line("| level | collections | ms paused | threads started | threads by CPU share |");
        line("|---|---|---|---|---|");
        threads.forEach(this::line);
        line("");
        line("### The machine's cores during each level: the average number each process kept busy (user + system"
                + " time from /proc over the level's wall time), the rest of the machine, idle, and stolen by the"
                + " host; and each process's mean wait for a core once its thread was runnable, in microseconds, with"
                + " its threads' runs on a core a second in brackets (schedstat; finding 80)");
        line("");
        line("| level | mode | seconds | Duplex | fake upstream | load generator | other | idle | steal "
                + "| Duplex's wait µs (runs/s) | upstream's | generator's |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        cores.forEach(this::line);
        line("");
        line("### Slow tokens: those over 10 ms from the upstream's write to the client, and the 100 ms windows of the"
                + " level they were written in (a few windows with many are a stall of a whole process, many with a"
                + " few a spread tail); the windows in which the kernel's memory monitor (kdamond) ran 5 ms or more,"
                + " or just before one, the slow tokens written in those, and the latency of the tokens written"
                + " outside them; and the collections of the load"
                + " generator and the fake upstream during the level (count, ms), which delay what they receive or"
                + " send in either mode (findings 82, 84)");
        line("");
        line("| level | mode | slow tokens | windows with one | most in one window | windows at a kdamond burst "
                + "| slow tokens in them | p50 / p99 outside them | generator's collections (ms) "
                + "| upstream's collections (ms) |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        slow.forEach(this::line);
        line("");
        if (options.containsKey("stalled-only")) {
            stalled();
            writeReport();
            return;
        }
        if (options.containsKey("idle-only")) {
            idle(Integer.parseInt(options.getOrDefault("idle", "10000")));
            writeReport();
            return;
        }
        if (options.containsKey("levels")) {
            if (options.containsKey("soak")) {
                soak(relay, Integer.parseInt(options.get("soak")));
            }
            writeReport();
            return;
        }
        cancels(direct, relay, quick ? 20 : 100);
        idle(quick ? 1000 : Integer.parseInt(options.getOrDefault("idle", "10000")));
        stalled();
        if (options.containsKey("soak")) {
            soak(relay, Integer.parseInt(options.get("soak")));
        }
        writeReport();
    }

    /**
     * A warm-up level through Duplex, with the metrics read before and after it as a measured level reads them: the
     * first plain HTTP requests after thousands of WebSocket upgrades made C2 discard and compile again Grizzly's
     * request path, during the first measured level (docs/benchmarks.md, finding 75).
     */
    private void warmRelay(DuplexLoad relay, Level level, String runId) throws Exception {
        readMetrics();
        relay.run(level, runId, duplex);
        readMetrics();
    }

    private void readMetrics() throws IOException, InterruptedException {
        duplex.gauge("duplex_store_writes");
        duplex.gauge("duplex_store_transactions");
        duplex.collections();
        duplex.gauge("duplex_data_file_bytes");
    }

    private static double compilerShare(Map<String, Double> before, Map<String, Double> after, double total) {
        return after.entrySet().stream().filter(entry -> entry.getKey().contains("CompilerThre"))
                .mapToDouble(entry -> entry.getValue() - before.getOrDefault(entry.getKey(), 0.0)).sum()
                / Math.max(total, 0.01);
    }

    /**
     * The ten thread groups (by name) that used the most CPU during a level, as shares of the process's CPU time
     * then, with how many times they were put on a core per relayed token.
     */
    private static String threadShares(Map<String, Double> before, Map<String, Double> after, double total,
                                       Map<String, Long> runsBefore, Map<String, Long> runsAfter, long tokens) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        after.forEach((name, seconds) -> used.add(Map.entry(name, seconds - before.getOrDefault(name, 0.0))));
        used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        double shown = 0;
        StringBuilder shares = new StringBuilder();
        for (Map.Entry<String, Double> entry : used.subList(0, Math.min(10, used.size()))) {
            shown += entry.getValue();
            long runs = runsAfter.getOrDefault(entry.getKey(), 0L) - runsBefore.getOrDefault(entry.getKey(), 0L);
            shares.append(String.format(Locale.ROOT, "%s %.0f%% (%.2f), ", entry.getKey(),
                    100 * entry.getValue() / Math.max(total, 0.01), runs / (double) Math.max(tokens, 1)));
        }
        return shares.append(String.format(Locale.ROOT, "other and ended threads %.0f%% (of %.1f s)",
                100 * (total - shown) / Math.max(total, 0.01), total)).toString();
    }

    private void writeReport() throws IOException {
        Path out = Path.of(options.getOrDefault("out", "bench/target/report.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        Files.writeString(out.resolveSibling("slow-windows.txt"), slowWindows);
        System.out.println("\nreport written to " + out);
    }

    private void row(Result result, Result direct) {
        String added = direct == null ? "| | | | "
                : String.format("| %.2f | %.2f | %.2f | %.2f | %.2f ",
                        ms(result.latency().percentile(50) - direct.latency().percentile(50)),
                        ms(result.latency().percentile(99) - direct.latency().percentile(99)),
                        ms(result.ttft().percentile(99) - direct.ttft().percentile(99)),
                        result.tokensPerSecond() / direct.tokensPerSecond(),
                        result.cpuMsPer1kTokens());
        line(String.format("| %s | %s | %d | %.0f | %d | %.2f | %.2f | %.2f | %.2f | %.2f %s|",
                result.level().name(), result.mode(), result.tokens(), result.tokensPerSecond(), result.errors(),
                ms(result.ttft().percentile(50)), ms(result.ttft().percentile(99)),
                ms(result.latency().percentile(50)), ms(result.latency().percentile(99)), ms(result.latency().max()),
                added));
    }

    private void cancels(DirectLoad direct, DuplexLoad relay, int count) throws Exception {
        Map<String, Long> directCancels = direct.cancels(count, "cancel-d");
        Map<String, Long> relayCancels = relay.cancels(count, "cancel-r");
        TimeUnit.SECONDS.sleep(1);
        Map<String, Long> closes = upstreamCloses();
        line("## Cancel: from the client's cancel to the upstream seeing its connection closed (ms)");
        line("");
        line("| mode | cancels | seen by upstream | p50 | p99 | max |");
        line("|---|---|---|---|---|---|");
        cancelRow("direct (client aborts its HTTP request)", directCancels, closes);
        cancelRow("duplex (`cancel` frame)", relayCancels, closes);
        line("");
    }

    private void cancelRow(String mode, Map<String, Long> cancelledAt, Map<String, Long> closes) {
        Samples latency = new Samples();
        cancelledAt.forEach((id, at) -> {
            Long closedAt = closes.get(id);
            if (closedAt != null) {
                latency.add((closedAt - at) / 1000);
            }
        });
        line(String.format("| %s | %d | %d | %.2f | %.2f | %.2f |", mode, cancelledAt.size(), latency.size(),
                ms(latency.percentile(50)), ms(latency.percentile(99)), ms(latency.max())));
    }

    private void idle(int sessions) throws Exception {
        Path histogram = Path.of("bench", "target", "idle-histogram.txt");
        IdleLoad.Report idle = IdleLoad.run(URI.create("ws://localhost:" + duplex.base().getPort() + "/ws/chat"),
                sessions, duplex, histogram);
        line("## Idle connected sessions");
        line("");
        line("| sessions | connect errors | answered a ping | closed or failed | heap after GC (MB) "
                + "| heap / session (KB) | RSS (MB) | RSS / session (KB) | connecting them (s) "
                + "| Duplex CPU / connection (ms) |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        line(String.format("| %d | %d | %d | %d | %.0f → %.0f | %.1f | %.0f → %.0f | %.1f | %.2f | %.2f |",
                idle.sessions(), idle.connectErrors(), idle.answered(), idle.closedOrFailed(), idle.heapMbBefore(),
                idle.heapMbAfter(), idle.heapKbPerSession(), idle.rssMbBefore(), idle.rssMbAfter(),
                idle.rssKbPerSession(), idle.connectSeconds(), idle.cpuMsPerConnection()));
        line("");
        line("Duplex's heap by class with the sessions open: `" + histogram + "`.");
        line("");
    }

    /** 100 clients that stop reading mid-answer, against 100 that read the same answers to the end. */
    private void stalled() throws Exception {
        URI chat = URI.create("ws://localhost:" + duplex.base().getPort() + "/ws/chat");
        line("## Clients that stop reading mid-answer (100 sessions, 6,000 tokens of ~116 characters at 200/s each; "
                + "send stall limit 10 s)");
        line("");
        line("| clients | heap after GC (MB) at 0, 5, 10 ... 35 s, after | RSS (MB) same | sessions open same "
                + "| closes (code: count; 0 = answers read to their end) |");
        line("|---|---|---|---|---|");
        for (boolean reading : new boolean[] {true, false}) {
            StalledLoad.Report report = StalledLoad.run(chat, 100, reading, reading ? "read" : "stall", duplex);
            line(String.format("| %s | %s | %s | %s | %s |", reading ? "reading" : "stopped after 5 tokens",
                    join(report.samples(), StalledLoad.Sample::heapMb), join(report.samples(), StalledLoad.Sample::rssMb),
                    join(report.samples(), StalledLoad.Sample::sessionsOpen), report.closeCodes()));
        }
        line("");
    }

    private static String join(List<StalledLoad.Sample> samples,
                               java.util.function.ToDoubleFunction<StalledLoad.Sample> value) {
        return samples.stream().map(s -> String.format("%.0f", value.applyAsDouble(s)))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private void soak(DuplexLoad relay, int seconds) throws Exception {
        line("## Steady load: 100 sessions x 50 tokens/s for " + seconds + " s");
        line("");
        line("| wall time (s) | tokens in the last round | errors | heap after GC (MB) | RSS (MB) |");
        line("|---|---|---|---|---|");
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (int round = 0; System.nanoTime() < end; round++) {
            Result result = relay.run(new Level(100, 5, 50, 20, 0), "soak" + round, duplex);
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            if (round % 6 == 0 || System.nanoTime() >= end) {
                line(String.format("| %d | %d | %d | %.0f | %.0f |", elapsed, result.tokens(), result.errors(),
                        duplex.heapMbAfterGc(), duplex.rssMb()));
            }
        }
        line("");
    }

    /** When the upstream read each request since the last call, by message id (it forgets them). */
    private Map<String, Long> upstreamArrivals() throws IOException, InterruptedException {
        return upstreamStats("/stats/arrivals");
    }

    /** The fake upstream's collections so far: {@code count} and {@code ms}. */
    private Map<String, Long> upstreamCollections() throws IOException, InterruptedException {
        return upstreamStats("/stats/collections");
    }

    /** A row of the slow tokens' table: {@code result}'s slow tokens, and the collections since those counts. */
    private String slowRow(Result result, long[] generatorBefore, Map<String, Long> upstreamBefore)
            throws IOException, InterruptedException {
        long[] generator = OwnCollections.now();
        Map<String, Long> upstream = upstreamCollections();
        long wallOffset = System.currentTimeMillis() * 1_000_000 - System.nanoTime();
        SortedMap<Long, Integer> windows = result.slowByWindow();
        windows.forEach((window, count) -> slowWindows.append(String.format(Locale.ROOT,
                "%s %s %s %.3f %d%n", result.level().name().replace(' ', '_'), result.mode(),
                Instant.ofEpochSecond(0, window + wallOffset), window / 1e9, count)));
        long origin = result.origin();
        String bursts = kernelBursts.present() ? result.windowsLeftOut(kernelBursts.nearBursts(origin,
                origin + (long) (result.seconds() * 1e9), Result.WINDOW_NANOS), windows) : "no kdamond | | |";
        return String.format(Locale.ROOT, "| %s | %s | %s %s %d (%d) | %d (%d) |", result.level().name(),
                result.mode(), result.slowWindows(windows), bursts,
                generator[0] - generatorBefore[0], generator[1] - generatorBefore[1],
                upstream.get("count") - upstreamBefore.get("count"), upstream.get("ms") - upstreamBefore.get("ms"));
    }

    private Map<String, Long> upstreamCloses() throws IOException, InterruptedException {
        return upstreamStats("/stats/closes");
    }

    /** One of the fake upstream's {@code id nanos} lists. */
    private Map<String, Long> upstreamStats(String path) throws IOException, InterruptedException {
        String body = upstreamStats.send(HttpRequest.newBuilder(upstreamBase.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> stats = new HashMap<>();
        body.lines().map(line -> line.split(" ")).forEach(parts -> stats.put(parts[0], Long.parseLong(parts[1])));
        return stats;
    }

    /** {@code --chunks openai}: the fake upstream's token chunks as OpenAI's API sends them; default short. */
    private boolean openAiChunks() {
        String chunks = options.getOrDefault("chunks", "short");
        if (!chunks.equals("short") && !chunks.equals("openai")) {
            throw new IllegalArgumentException("--chunks is short or openai, not " + chunks);
        }
        return chunks.equals("openai");
    }

    private void startUpstream() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        upstream = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                FakeUpstreamServer.class.getName(), "0", openAiChunks() ? "openai" : "short")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(upstream.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("READY ")) {
            throw new IllegalStateException("fake upstream did not start: " + ready);
        }
        upstreamBase = URI.create("http://127.0.0.1:" + ready.substring(6).strip());
        System.out.println("fake upstream on " + upstreamBase);
    }

    /**
     * The options of server-config/payara/jvm.options (what operators are told to use), or another such file
     * ({@code --jvm-options FILE}), or none ({@code --jvm-options none}); {@code --jvm} adds to them.
     */
    private List<String> recommendedJvmOptions() throws IOException {
        String file = options.getOrDefault("jvm-options", "server-config/payara/jvm.options");
        if (file.equals("none")) {
            return List.of();
        }
        return Files.readAllLines(Path.of(file)).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private void startDuplex() throws Exception {
        int port = freePort();
        Path log = Path.of("bench", "target", options.getOrDefault("server", "payara") + ".log");
        Files.createDirectories(log.getParent());
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.getOrDefault("heap", "1g")));
        jvm.addAll(recommendedJvmOptions());
        if (options.containsKey("jvm")) {
            jvm.addAll(List.of(options.get("jvm").split(" ")));
        }
        duplexJvm = String.join(" ", jvm);
        List<String> command = new ArrayList<>();
        if (options.containsKey("duplex-cpus")) { // Duplex on its own cores: see docs/benchmarks.md, finding 40
            command.addAll(List.of("taskset", "-c", options.get("duplex-cpus")));
        }
        if (options.containsKey("jfr")) {
            jvm.add("-XX:StartFlightRecording=filename=" + Path.of("bench", "target", "duplex.jfr").toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        jvm.add("-Djava.io.tmpdir=" + Path.of("bench", "target").toAbsolutePath());
        boolean wildFly = options.getOrDefault("server", "payara").equals("wildfly");
        ProcessBuilder builder = wildFly ? wildFly(command, jvm, port) : payaraMicro(command, jvm, port);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DUPLEX_UPSTREAM_BASE_URL", upstreamBase + "/v1");
        builder.environment().put("DUPLEX_UPSTREAM_MODEL", "bench");
        builder.environment().put("DUPLEX_DEMO_ENABLED", "false");
        builder.environment().put("DUPLEX_WS_MAX_FRAME_BYTES", "65536");
        // each load session is a browser sending message after message: no per-user rate limit
        builder.environment().put("DUPLEX_LIMITS_MESSAGES_PER_MINUTE", "0");
        // each load session is its own anonymous browser
        builder.environment().put("DUPLEX_AUTH_MODE", "anonymous");
        // clients that stop reading are closed after 10 s rather than 30, so the stalled scenario shows it
        builder.environment().put("DUPLEX_WS_SEND_STALL_MS", "10000");
        // every message is stored: an embedded database of the run's own, as a first start has
        Path data = Path.of("bench", "target", "duplex-data").toAbsolutePath();
        deleteTree(data);
        builder.environment().put("DUPLEX_DATA_DIR", data.toString());
        Process started = builder.start();
        // on WildFly the measured process is the JVM that standalone.sh starts
        long pid = wildFly ? wildFlyJvm(started) : started.pid();
        duplex = new ServerProcess(started, pid, URI.create("http://localhost:" + port + "/"));
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(duplex.base().resolve("/api/info")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    System.out.println("Duplex up on " + duplex.base() + " (log: " + log + ")");
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException("Duplex did not start; see " + log);
    }

    private ProcessBuilder payaraMicro(List<String> command, List<String> jvm, int port) {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of(
                "-jar", options.getOrDefault("micro", "target/payara-micro-6.2025.10.jar"), "--nohazelcast",
                "--port", Integer.toString(port), "--contextroot", "/",
                "--prebootcommandfile", options.getOrDefault("preboot", "server-config/payara/tuning.asadmin"),
                "--deploy", options.getOrDefault("war", "target/duplex.war")));
        if (options.containsKey("micro-options")) {
            command.addAll(List.of(options.get("micro-options").split(" ")));
        }
        return new ProcessBuilder(command);
    }

    /**
     * WildFly (the server {@code mvn verify} unpacks, or {@code --wildfly HOME}) in its standalone-microprofile
     * configuration, in a base folder of the run's own under bench/target, with the WAR as ROOT.war (at /) and
     * Duplex's settings from the environment, as with Payara Micro. No MicroProfile Metrics there: the store's
     * gauges and the collections read as NaN or 0 in the report.
     */
    private ProcessBuilder wildFly(List<String> command, List<String> jvm, int port) throws IOException {
        Path home = Path.of(options.getOrDefault("wildfly", "target/wildfly-dist/wildfly-38.0.1.Final")).toAbsolutePath();
        Path base = Path.of("bench", "target", "wildfly-base").toAbsolutePath();
        deleteTree(base);
        Files.createDirectories(base);
        try (var files = Files.walk(home.resolve("standalone/configuration"))) {
            for (Path file : files.toList()) {
                Files.copy(file, base.resolve("configuration").resolve(
                        home.resolve("standalone/configuration").relativize(file).toString()));
            }
        }
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(Path.of(options.getOrDefault("war", "target/duplex.war")), base.resolve("deployments/ROOT.war"));
        command.addAll(List.of(home.resolve("bin/standalone.sh").toString(), "-c", "standalone-microprofile.xml",
                "-Djboss.server.base.dir=" + base, "-Djboss.http.port=" + port,
                "-Djboss.https.port=" + freePort(), "-Djboss.management.http.port=" + freePort()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_OPTS", String.join(" ", jvm) + " -Djava.net.preferIPv4Stack=true"
                + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true"); // SIGTERM passed on to the JVM
        return builder;
    }

    private static long wildFlyJvm(Process script) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var jvm = script.descendants().filter(p -> p.info().commandLine().orElse("").contains("jboss-modules"))
                    .findFirst();
            if (jvm.isPresent()) {
                return jvm.get().pid();
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("standalone.sh started no JVM");
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private void stop() throws InterruptedException {
        if (kernelBursts != null) {
            kernelBursts.close();
        }
        if (duplex != null) {
            duplex.close();
        }
        if (upstream != null) {
            upstream.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void line(String text) {
        report.append(text).append('\n');
        System.out.println(text);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
