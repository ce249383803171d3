package io.modelcat.runner.worker;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds out this machine's CPU cores, memory and GPUs (through DJL's CUDA probe, which loads no engine). */
public final class DeviceProbe {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceProbe.class);

    private DeviceProbe() {
    }

    /** Describes this process's machine; {@code useGpus} false hides GPUs (a CPU-only runner on a GPU host). */
    public static WorkerIdentity probe(boolean useGpus) {
        String host = hostName();
        List<Gpu> gpus = useGpus ? gpus() : List.of();
        long memory = Runtime.getRuntime().maxMemory();
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        String id = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new WorkerIdentity(id, host, Runtime.getRuntime().availableProcessors(), memory, gpus);
    }

    private static List<Gpu> gpus() {
        List<Gpu> gpus = new ArrayList<>();
        try {
            int count = CudaUtils.getGpuCount();
            for (int i = 0; i < count; i++) {
                long total = CudaUtils.getGpuMemory(Device.gpu(i)).getMax();
                gpus.add(new Gpu(i, "CUDA GPU " + i + " (compute capability " + CudaUtils.getComputeCapability(i) + ")",
                        total));
            }
        } catch (RuntimeException | LinkageError e) {
            // No CUDA runtime on this machine is the normal case for CPU workers.
            LOG.debug("No CUDA GPUs found: {}", e.toString());
        }
        return gpus;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
