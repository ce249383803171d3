package io.modelcat.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** A child process started from a command line, its output appended to its own log file. */
final class ServiceProcess implements Supervised {

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private volatile Process process;

    ServiceProcess(String name, List<String> command, Map<String, String> env, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.log = log;
    }

    /** A service's jar run by this launcher's own Java. */
    static ServiceProcess javaJar(String name, Path jar, Map<String, String> env, Path logs) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ServiceProcess(name, List.of(java, "-jar", jar.toAbsolutePath().toString()), env,
                logs.resolve(name + ".log"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
    }

    @Override
    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    @Override
    public String exitDescription() {
        Process p = process;
        if (p == null || p.isAlive()) {
            return "running";
        }
        int code = p.exitValue();
        // 128 + n: killed by signal n, as a shell reports it.
        return code > 128 && code < 160 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    @Override
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    @Override
    public void stop(Duration grace) {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                Console.say(name + " did not stop within " + grace.toSeconds()
                        + " s; killing it");
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public Path log() {
        return log;
    }
}
