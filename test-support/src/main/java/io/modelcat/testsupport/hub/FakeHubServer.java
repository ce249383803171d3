package io.modelcat.testsupport.hub;

import java.nio.file.Path;

/**
 * Runs a {@link FakeHub} in its own process, serving one folder as one repository, for benchmarks
 * that must not share a JVM with the client they measure. Prints the endpoint, then serves until killed.
 * Arguments: the folder, then the repository id.
 */
public final class FakeHubServer {

    private FakeHubServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        FakeHub hub = FakeHub.start();
        hub.addRepo(args[1], Path.of(args[0]));
        System.out.println("ENDPOINT " + hub.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }
}
