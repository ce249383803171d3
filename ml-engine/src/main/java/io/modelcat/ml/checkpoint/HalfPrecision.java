package io.modelcat.ml.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;

/** Widens little-endian bfloat16 and IEEE float16 values to float32. */
final class HalfPrecision {

    private HalfPrecision() {}

    /** bfloat16 is the upper half of a float32. */
    static float[] fromBfloat16(ByteBuffer data) {
        ShortBuffer values = data.asShortBuffer();
        float[] floats = new float[values.remaining()];
        for (int index = 0; index < floats.length; index++) {
            floats[index] = Float.intBitsToFloat((values.get(index) & 0xffff) << 16);
        }
        return floats;
    }

    static float[] fromFloat16(ByteBuffer data) {
        ShortBuffer values = data.asShortBuffer();
        float[] floats = new float[values.remaining()];
        for (int index = 0; index < floats.length; index++) {
            floats[index] = float16ToFloat(values.get(index));
        }
        return floats;
    }

    /** 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits; handles subnormals, infinities and NaN. */
    static float float16ToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
