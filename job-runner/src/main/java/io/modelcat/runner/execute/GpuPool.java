package io.modelcat.runner.execute;

import io.modelcat.runner.worker.Gpu;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** This runner's GPUs: each is given to one job at a time; a job needing more waits until they are free. */
@Singleton
public class GpuPool {

    private final TreeSet<Integer> free = new TreeSet<>();

    public GpuPool(WorkerIdentity worker) {
        worker.gpus().stream().map(Gpu::index).forEach(free::add);
    }

    /** Takes {@code count} GPUs, waiting while they are busy; gives up (empty list) when {@code stop} says so. */
    public synchronized List<Integer> acquire(int count, java.util.function.BooleanSupplier stop) throws InterruptedException {
        while (free.size() < count) {
            if (stop.getAsBoolean()) {
                return List.of();
            }
            wait(1000);
        }
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            taken.add(free.pollFirst());
        }
        return taken;
    }

    public synchronized void release(List<Integer> gpus) {
        free.addAll(gpus);
        notifyAll();
    }
}
