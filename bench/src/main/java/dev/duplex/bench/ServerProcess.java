package dev.duplex.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A child process under test (Duplex on Payara Micro or WildFly): its CPU time, RSS and heap, read from outside.
 * The measured JVM is {@code pid}: the process itself on Payara Micro, the JVM its start script runs on WildFly.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final long pid;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    ServerProcess(Process process, long pid, URI base) {
        this.process = process;
        this.pid = pid;
        this.base = base;
    }

    long pid() {
        return pid;
    }

    URI base() {
        return base;
    }

    double cpuSeconds() throws IOException {
        return MachineCpu.processSeconds(pid());
    }

    double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return 0;
    }

    /**
     * CPU seconds (user + system) of each live thread, summed per name with numbers after '-', '#' or '(' replaced
     * by N (Linux keeps the first 15 characters of a Java thread's name). Unlike JFR's execution samples, which see
     * only threads running Java code, this counts time in native code and in the kernel (socket writes, for one).
     */
    Map<String, Double> threadCpuSeconds() throws IOException {
        Map<String, Double> byName = new TreeMap<>();
        forEachThread("stat", (name, stat) -> byName.merge(name, MachineCpu.statSeconds(stat), Double::sum));
        return byName;
    }

    /** How many times each live thread was put on a core (schedstat), summed per name as in threadCpuSeconds. */
    Map<String, Long> threadRuns() throws IOException {
        Map<String, Long> byName = new TreeMap<>();
        forEachThread("schedstat", (name, schedstat) ->
                byName.merge(name, Long.parseLong(schedstat.trim().split(" ")[2]), Long::sum));
        return byName;
    }

    /** Each live thread's name (numbers as N) and its file {@code /proc/PID/task/TID/<file>}. */
    private void forEachThread(String file, BiConsumer<String, String> action) throws IOException {
        MachineCpu.forEachThread(pid(), task -> {
            String name = Files.readString(task.resolve("comm")).trim();
            String content = Files.readString(task.resolve(file));
            action.accept(name.replaceAll("(?<=[-#(])\\d+", "N"), content);
        });
    }

    /** An application gauge from the container's MicroProfile Metrics, e.g. {@code duplex_sessions_open}. */
    double gauge(String name) throws IOException, InterruptedException {
        return metrics("application").lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(ServerProcess::value).findFirst().orElse(Double.NaN);
    }

    /** Collections so far and the seconds they paused the application, every collector together (base metrics). */
    double[] collections() throws IOException, InterruptedException {
        String metrics = metrics("base");
        return new double[] {sum(metrics, "gc_total{"), sum(metrics, "gc_time_seconds_total{")};
    }

    /** Heap in use after a full GC (asked for with jcmd), from the container's MicroProfile Metrics. */
    double heapMbAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        return metrics("base").lines().filter(line -> line.startsWith("memory_usedHeap_bytes"))
                .mapToDouble(line -> value(line) / 1024 / 1024).findFirst().orElse(Double.NaN);
    }

    /** Threads the JVM has started since it began (its {@code java.threads.started} counter, read with jcmd). */
    long threadsStarted() throws IOException, InterruptedException {
        return jcmd("PerfCounter.print").lines().filter(line -> line.startsWith("java.threads.started="))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf('=') + 1))).findFirst().orElse(-1);
    }

    /** Writes the JVM's live objects by class (jcmd's {@code GC.class_histogram}, which collects first) to a file. */
    void classHistogram(Path file) throws IOException, InterruptedException {
        Files.writeString(file, jcmd("GC.class_histogram"));
    }

    /** Runs a jcmd diagnostic command on the JVM; what it printed. */
    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid()), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    /** The container's MicroProfile Metrics of one scope, in Prometheus text. */
    private String metrics(String scope) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/metrics?scope=" + scope)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double sum(String metrics, String prefix) {
        return metrics.lines().filter(line -> line.startsWith(prefix)).mapToDouble(ServerProcess::value).sum();
    }

    /** A Prometheus sample line's value: what follows its last space. */
    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
