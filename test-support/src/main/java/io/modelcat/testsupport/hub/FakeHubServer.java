package io.modelcat.testsupport.hub;

import java.nio.file.Path;

/**
 * Runs a {@link FakeHub} in its own process, serving folders as repositories, for benchmarks
 * that must not share a JVM with the client they measure. Prints the endpoint, then serves until killed.
 * Arguments: pairs of a folder, then its repository id.
 */
public final class FakeHubServer {

    private FakeHubServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        FakeHub hub = FakeHub.start();
        if (args.length == 0 || args.length % 2 != 0) {
            throw new IllegalArgumentException("arguments: pairs of a folder and its repository id");
        }
        for (int i = 0; i < args.length; i += 2) {
            hub.addRepo(args[i + 1], Path.of(args[i]));
        }
        System.out.println("ENDPOINT " + hub.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }
}
