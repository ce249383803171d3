package io.modelcat.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one {@code .safetensors} file tensor by tensor, widening half-precision floats to float32.
 *
 * <p>Written here rather than using {@code NDList.decode} because DJL 0.35.1 aborts the JVM on a
 * BF16 tensor (common in recent checkpoints) and reads the whole file into one 2 GiB-limited array.
 */
public final class SafetensorsReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsReader() {}

    /** Tensors by name in file order; floating-point ones as float32, integer ones as stored. */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long headerLength = readFully(channel, 0, 8).getLong();
            if (headerLength <= 0 || headerLength > Math.min(channel.size() - 8, 100_000_000L)) {
                throw new IllegalArgumentException(file + " is not a safetensors file");
            }
            ByteBuffer headerBytes = readFully(channel, 8, (int) headerLength);
            JsonNode header = JSON.readTree(StandardCharsets.UTF_8.decode(headerBytes).toString());
            long dataStart = 8 + headerLength;
            // One buffer, as large as the largest tensor, serves them all: libtorch copies each tensor out of it.
            // A buffer per tensor would stay allocated until the garbage collector frees it, so that a whole
            // checkpoint's worth of native memory could be held twice while loading.
            long largest = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getKey().equals("__metadata__")) {
                    JsonNode offsets = entry.getValue().get("data_offsets");
                    largest = Math.max(largest, offsets.get(1).asLong() - offsets.get(0).asLong());
                }
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(largest)).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                NDArray array = tensor(channel, dataStart, entry.getValue(), manager, buffer);
                array.setName(entry.getKey());
                tensors.put(entry.getKey(), array);
            }
            return tensors;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static NDArray tensor(FileChannel channel, long dataStart, JsonNode description, NDManager manager,
            ByteBuffer buffer) throws IOException {
        String dtype = description.get("dtype").asText();
        JsonNode dimensions = description.get("shape");
        long[] shape = new long[dimensions.size()];
        for (int index = 0; index < shape.length; index++) {
            shape[index] = dimensions.get(index).asLong();
        }
        long begin = description.get("data_offsets").get(0).asLong();
        long end = description.get("data_offsets").get(1).asLong();
        ByteBuffer data = readFully(channel, dataStart + begin, buffer.clear().limit(Math.toIntExact(end - begin)));
        Shape arrayShape = new Shape(shape);
        return switch (dtype) {
            case "F32" -> manager.create(data.asFloatBuffer(), arrayShape, DataType.FLOAT32);
            case "BF16" -> manager.create(HalfPrecision.fromBfloat16(data), arrayShape);
            case "F16" -> manager.create(HalfPrecision.fromFloat16(data), arrayShape);
            case "F64" -> manager.create(data.asDoubleBuffer(), arrayShape, DataType.FLOAT64)
                    .toType(DataType.FLOAT32, false);
            case "I64" -> manager.create(data.asLongBuffer(), arrayShape, DataType.INT64);
            case "I32" -> manager.create(data.asIntBuffer(), arrayShape, DataType.INT32);
            // A direct ByteBuffer becomes the tensor's own memory on a CPU (DJL wraps it): these get a copy, since the
            // read buffer is reused. The other types are copied by DJL (a view or a heap array).
            case "I8" -> manager.create(copy(data), arrayShape, DataType.INT8);
            case "U8" -> manager.create(copy(data), arrayShape, DataType.UINT8);
            case "BOOL" -> manager.create(copy(data), arrayShape, DataType.BOOLEAN);
            default -> throw new IllegalArgumentException("unsupported safetensors dtype " + dtype);
        };
    }

    private static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN).put(data).flip();
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        return readFully(channel, position, ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Fills {@code buffer} from its position to its limit with the file's bytes from {@code position}. */
    private static ByteBuffer readFully(FileChannel channel, long position, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("safetensors file ends early");
            }
        }
        return buffer.flip();
    }
}
