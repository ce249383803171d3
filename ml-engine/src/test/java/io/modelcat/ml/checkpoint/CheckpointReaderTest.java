package io.modelcat.ml.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import io.modelcat.ml.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointReaderTest {

    @TempDir
    Path temporary;

    @BeforeAll
    static void configure() {
        DjlEnvironment.configure();
    }

    @Test
    void readsTensorsUnderTheirHuggingFaceNames() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> weights = CheckpointReader.read(Fixtures.gpt2(), manager);
            assertThat(weights).hasSize(28);
            assertThat(weights.get("transformer.h.0.attn.c_attn.weight").getShape()).isEqualTo(new Shape(32, 96));
            assertThat(weights.get("transformer.wte.weight").getName()).isEqualTo("transformer.wte.weight");
        }
    }

    @Test
    void float16IsWidenedAndLegacyLayerNormNamesAreRenamed() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> written = new LinkedHashMap<>();
            written.put("bert.embeddings.LayerNorm.gamma", manager.create(new float[] {1.5f, -2f}).toType(
                    DataType.FLOAT16, false));
            written.put("bert.embeddings.LayerNorm.beta", manager.create(new float[] {0.25f, 0f}).toType(
                    DataType.FLOAT16, false));
            SafetensorsWriter.write(temporary.resolve(CheckpointReader.SINGLE_FILE), written);

            Map<String, NDArray> read = CheckpointReader.read(temporary, manager);
            assertThat(read).containsOnlyKeys("bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias");
            assertThat(read.get("bert.embeddings.LayerNorm.weight").getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(read.get("bert.embeddings.LayerNorm.weight").toFloatArray()).containsExactly(1.5f, -2f);
            assertThat(read.get("bert.embeddings.LayerNorm.bias").toFloatArray()).containsExactly(0.25f, 0f);
        }
    }

    /** DJL 0.35.1 aborts the JVM on BF16 arrays, so this file is written byte by byte. */
    @Test
    void bfloat16IsWidenedWithoutTouchingDjlsBf16Support() throws IOException {
        byte[] header = paddedHeader("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"BF16\",\"shape\":[1,3],\"data_offsets\":[0,6]},"
                + "\"steps\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[6,22]}}");
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + 22).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        // bfloat16: the upper 16 bits of 1.5f (0x3FC0), -2f (0xC000), 0.00390625f (0x3B80)
        file.putShort((short) 0x3FC0).putShort((short) 0xC000).putShort((short) 0x3B80);
        file.putLong(7).putLong(-1);
        Files.write(temporary.resolve("model.safetensors"), file.array());

        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> read = SafetensorsReader.read(temporary.resolve("model.safetensors"), manager);
            assertThat(read.get("w").getShape()).isEqualTo(new Shape(1, 3));
            assertThat(read.get("w").toFloatArray()).containsExactly(1.5f, -2f, 0.00390625f);
            assertThat(read.get("steps").getDataType()).isEqualTo(DataType.INT64);
            assertThat(read.get("steps").toLongArray()).containsExactly(7L, -1L);
        }
    }

    /** One read buffer serves every tensor: each tensor keeps its own values, the byte-sized ones included. */
    @Test
    void everyTensorKeepsItsOwnValuesThoughTheReadBufferIsShared() throws IOException {
        byte[] header = paddedHeader("{\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[3,6]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[6,8]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}");
        ByteBuffer file = ByteBuffer.allocate(8 + header.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header);
        file.put(new byte[] {1, 2, 3}).put(new byte[] {4, 5, 6}).put(new byte[] {1, 0});
        file.putFloat(1.5f).putFloat(-2f).putFloat(7f).putFloat(8f);
        Files.write(temporary.resolve("model.safetensors"), file.array());

        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> read = SafetensorsReader.read(temporary.resolve("model.safetensors"), manager);
            assertThat(read.get("a").toUint8Array()).containsExactly(1, 2, 3);
            assertThat(read.get("b").toUint8Array()).containsExactly(4, 5, 6);
            assertThat(read.get("mask").toBooleanArray()).containsExactly(true, false);
            assertThat(read.get("x").toFloatArray()).containsExactly(1.5f, -2f);
            assertThat(read.get("y").toFloatArray()).containsExactly(7f, 8f);
        }
    }

    @Test
    void float16BitPatternsIncludingSubnormalsAndInfinity() {
        assertThat(HalfPrecision.float16ToFloat((short) 0x3E00)).isEqualTo(1.5f);
        assertThat(HalfPrecision.float16ToFloat((short) 0xC000)).isEqualTo(-2f);
        assertThat(HalfPrecision.float16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfPrecision.float16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(HalfPrecision.float16ToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfPrecision.float16ToFloat((short) 0x7E00)).isNaN();
    }

    private static byte[] paddedHeader(String json) {
        int padding = (8 - json.length() % 8) % 8;
        return (json + " ".repeat(padding)).getBytes(StandardCharsets.US_ASCII);
    }
}
