package io.modelcat.ml.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes named arrays as one {@code .safetensors} file with the {@code format: pt} metadata that
 * {@code transformers} checks for.
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {}

    public static void write(Path file, Map<String, NDArray> tensors) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, NDArray> entry : tensors.entrySet()) {
            NDArray array = entry.getValue();
            long length = array.size() * array.getDataType().getNumOfBytes();
            ObjectNode description = header.putObject(entry.getKey());
            description.put("dtype", dtypeCode(array.getDataType()));
            var shape = description.putArray("shape");
            for (long dimension : array.getShape().getShape()) {
                shape.add(dimension);
            }
            description.putArray("data_offsets").add(offset).add(offset + length);
            offset += length;
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            byte[] headerBytes = paddedHeader(json.writeValueAsString(header));
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            for (NDArray array : tensors.values()) {
                out.write(littleEndianBytes(array));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The format asks for the data to start 8-byte aligned; trailing spaces are its padding. */
    private static byte[] paddedHeader(String header) {
        byte[] raw = header.getBytes(StandardCharsets.UTF_8);
        int padding = (8 - raw.length % 8) % 8;
        return (header + " ".repeat(padding)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] littleEndianBytes(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        if (buffer.order() == ByteOrder.LITTLE_ENDIAN || array.getDataType().getNumOfBytes() == 1) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }
        throw new IllegalStateException("big-endian hosts are not supported for safetensors output");
    }

    static String dtypeCode(DataType type) {
        return switch (type) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOLEAN -> "BOOL";
            default -> throw new IllegalArgumentException("safetensors cannot hold " + type);
        };
    }
}
