package io.modelcat.ml.bench;

import java.lang.reflect.Method;

/**
 * The thread counts libtorch reports ({@code at::get_num_threads()} and its inter-op pool), read
 * through DJL's PyTorch JNI by reflection: the engine is a runtime dependency of {@code ml-engine},
 * not something its code compiles against.
 */
final class LibtorchThreads {

    private LibtorchThreads() {}

    static int intraOp() {
        return io.modelcat.ml.IntraOpThreads.ofThisThread();
    }

    static int interOp() {
        return call("getNumInteropThreads");
    }

    private static int call(String method) {
        try {
            Method getter = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod(method);
            return (Integer) getter.invoke(null);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}
