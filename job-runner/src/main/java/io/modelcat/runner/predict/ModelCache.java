package io.modelcat.runner.predict;

import ai.djl.Device;
import io.micronaut.context.annotation.Value;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The models this runner answered sample inference with most recently, kept loaded so that repeated
 * calls skip loading. Bounded by count; the least recently used is closed (freeing its native memory)
 * when a new one needs the room.
 */
@Singleton
public class ModelCache {

    private final int capacity;
    private final LinkedHashMap<String, AutoCloseable> models = new LinkedHashMap<>(16, 0.75f, true);

    public ModelCache(@Value("${modelcat.runner.model-cache-size:2}") int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /** Work done with a model; {@code cached} says whether it was already loaded. */
    public interface ModelWork<M, T> {
        T apply(M model, boolean cached);
    }

    /**
     * Runs {@code work} with the model of {@code directory} on {@code device}, loading it if needed.
     * Calls are serialised, so that a model is never closed while in use.
     */
    public <T> T with(Path directory, Device device, ModelWork<TransformerModel, T> work) {
        return with(directory, device, TransformerModel.class, () -> ModelLoader.load(directory, device), work);
    }

    /** As {@link #with}, for an encoder-decoder with its tokenizer (summarization, translation). */
    public <T> T withTextToText(Path directory, Device device, ModelWork<TextToTextModel, T> work) {
        return with(directory, device, TextToTextModel.class, () -> TextToTextModel.load(directory, device), work);
    }

    private synchronized <M extends AutoCloseable, T> T with(Path directory, Device device, Class<M> type,
            Supplier<M> loader, ModelWork<M, T> work) {
        String key = directory.toAbsolutePath().normalize() + "@" + device + "#" + type.getSimpleName();
        AutoCloseable model = models.get(key);
        if (model != null) {
            return work.apply(type.cast(model), true);
        }
        while (models.size() >= capacity) {
            Iterator<Map.Entry<String, AutoCloseable>> eldest = models.entrySet().iterator();
            closeQuietly(eldest.next().getValue());
            eldest.remove();
        }
        M loaded = loader.get();
        models.put(key, loaded);
        return work.apply(loaded, false);
    }

    private static void closeQuietly(AutoCloseable model) {
        try {
            model.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close a cached model", e);
        }
    }

    @PreDestroy
    synchronized void close() {
        models.values().forEach(ModelCache::closeQuietly);
        models.clear();
    }
}
