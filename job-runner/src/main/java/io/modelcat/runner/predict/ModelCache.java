package io.modelcat.runner.predict;

import ai.djl.Device;
import io.micronaut.context.annotation.Value;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models this runner answered sample inference with most recently, kept loaded so that repeated
 * calls skip loading. Bounded by count; the least recently used is closed (freeing its native memory)
 * when a new one needs the room.
 */
@Singleton
public class ModelCache {

    private final int capacity;
    private final LinkedHashMap<String, TransformerModel> models = new LinkedHashMap<>(16, 0.75f, true);

    public ModelCache(@Value("${modelcat.runner.model-cache-size:2}") int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Work done with a model; {@code cached} says whether it was already loaded. */
    public interface ModelWork<T> {
        T apply(TransformerModel model, boolean cached);
    }

    /**
     * Runs {@code work} with the model of {@code directory} on {@code device}, loading it if needed.
     * Calls are serialised, so that a model is never closed while in use.
     */
    public synchronized <T> T with(Path directory, Device device, ModelWork<T> work) {
        String key = directory.toAbsolutePath().normalize() + "@" + device;
        TransformerModel model = models.get(key);
        if (model != null) {
            return work.apply(model, true);
        }
        while (models.size() >= capacity) {
            Iterator<Map.Entry<String, TransformerModel>> eldest = models.entrySet().iterator();
            eldest.next().getValue().close();
            eldest.remove();
        }
        model = ModelLoader.load(directory, device);
        models.put(key, model);
        return work.apply(model, false);
    }

    @PreDestroy
    synchronized void close() {
        models.values().forEach(TransformerModel::close);
        models.clear();
    }
}
