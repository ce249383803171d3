package io.modelcat.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with real child processes (shell commands): restarts, giving up on a crash loop, stopping. */
class SupervisorTest {

    @TempDir
    Path home;

    private Supervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.stopAll();
        }
    }

    private ServiceProcess shell(String name, String script) {
        return new ServiceProcess(name, List.of("sh", "-c", script), Map.of(), home.resolve(name + ".log"));
    }

    private long pidFile(String name) throws Exception {
        return Long.parseLong(Files.readString(home.resolve("run").resolve(name + ".pid")).trim());
    }

    /** The pid file's number, or -1 while it is missing or being written. */
    private long pidFileNow(String name) {
        try {
            return pidFile(name);
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aKilledChildIsStartedAgainAndItsPidFileFollows() throws Exception {
        supervisor = new Supervisor(5, Duration.ofMinutes(10), Duration.ofSeconds(5), home.resolve("run"));
        ServiceProcess child = shell("service", "exec sleep 600");
        supervisor.start(child);
        long first = pidFile("service");
        assertThat(child.pid()).hasValue(first);
        CompletableFuture<String> watching = CompletableFuture.supplyAsync(() -> {
            try {
                return supervisor.watch();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        // The restart starts the child, then writes its pid file: wait for both (one read of the pid a look, as
        // the child can be between the kill and the restart at any read).
        Instant deadline = Instant.now().plusSeconds(20);
        OptionalLong second = OptionalLong.empty();
        while (Instant.now().isBefore(deadline)) {
            second = child.pid();
            if (second.isPresent() && second.getAsLong() != first && pidFileNow("service") == second.getAsLong()) {
                break;
            }
            Thread.sleep(100);
        }

        assertThat(second).isPresent();
        assertThat(second.getAsLong()).isNotEqualTo(first);
        assertThat(pidFile("service")).isEqualTo(second.getAsLong());
        supervisor.stopAll();
        assertThat(watching.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(child.alive()).isFalse();
        assertThat(home.resolve("run").resolve("service.pid")).doesNotExist();
    }

    @Test
    void aChildThatKeepsCrashingIsGivenUpAndEverythingStops() throws Exception {
        supervisor = new Supervisor(2, Duration.ofMinutes(10), Duration.ofSeconds(5), home.resolve("run"));
        ServiceProcess steady = shell("steady", "exec sleep 600");
        ServiceProcess crashing = shell("crashing", "echo 'cannot bind port 8080' ; exit 3");
        supervisor.start(steady);
        supervisor.start(crashing);

        String reason = CompletableFuture.supplyAsync(() -> {
            try {
                return supervisor.watch();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);

        assertThat(reason).startsWith("crashing stopped (exit code 3) 3 times within 10 min; ModelCat gives up")
                .contains(home.resolve("crashing.log").toString())
                .contains("cannot bind port 8080");
        // It ran three times: the first start and two restarts.
        assertThat(Files.readAllLines(home.resolve("crashing.log"))).hasSize(3);
        assertThat(steady.alive()).isFalse();
    }

    @Test
    void stopKillsAChildThatIgnoresTheRequestOnceTheGraceIsOver() throws Exception {
        supervisor = new Supervisor(5, Duration.ofMinutes(10), Duration.ofSeconds(2), home.resolve("run"));
        ServiceProcess polite = shell("polite", "exec sleep 600");
        ServiceProcess stubborn = shell("stubborn", "trap '' TERM; while true; do sleep 0.2; done");
        supervisor.start(polite);
        supervisor.start(stubborn);
        Thread.sleep(300);
        long stubbornPid = stubborn.pid().orElseThrow();

        long started = System.nanoTime();
        supervisor.stopAll();
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(polite.alive()).isFalse();
        assertThat(stubborn.alive()).isFalse();
        assertThat(ProcessHandle.of(stubbornPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(seconds).as("the grace, then a kill").isGreaterThanOrEqualTo(1.9);
    }

    @Test
    void backOffDoublesUpToThirtySeconds() {
        assertThat(Supervisor.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Supervisor.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Supervisor.backoff(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(Supervisor.backoff(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Supervisor.backoff(40)).isEqualTo(Duration.ofSeconds(30));
    }
}
