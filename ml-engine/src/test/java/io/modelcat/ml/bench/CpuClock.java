package io.modelcat.ml.bench;

import java.lang.management.ManagementFactory;

/**
 * Process CPU time against wall time: how many cores a measurement kept busy. A check that the
 * engine really used the threads it was given (libtorch's OpenMP threads count, spinning included).
 */
record CpuClock(long wallStart, long cpuStart) {

    static CpuClock start() {
        return new CpuClock(System.nanoTime(), processCpuNanos());
    }

    double busyCores() {
        return (double) (processCpuNanos() - cpuStart) / (System.nanoTime() - wallStart);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
