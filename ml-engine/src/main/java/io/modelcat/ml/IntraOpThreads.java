package io.modelcat.ml;

import ai.djl.engine.Engine;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How many threads the engine's operations spread their work over, per calling thread. libtorch keeps the count
 * per thread (OpenMP's and MKL's settings are the calling thread's), but setting it also changes the count a thread
 * takes on its first operation (or read of the count): so that a count given to one thread reaches no other,
 * {@link #useOnThisThread} has the thread take its first count before, and sets the process's count back to its
 * default right after, from a thread of its own. The counts are read and set through
 * DJL's PyTorch JNI ({@code JniUtils}), found at run time: the engine is a runtime dependency of this module, not
 * something its code compiles against.
 */
public final class IntraOpThreads {

    private static final ExecutorService RESTORER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "intra-op-threads");
        t.setDaemon(true);
        return t;
    });
    private static Integer processDefault;

    private IntraOpThreads() {
    }

    /**
     * Has the engine's operations made from the calling thread from now on run on {@code threads} threads; the other
     * threads keep theirs, and threads that start later take the process's default.
     */
    public static synchronized void useOnThisThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        int usual = processDefault();
        // A thread's first read takes the process's count as its own; done after the set below, it would undo it.
        ofThisThread();
        set(threads);
        if (threads != usual) {
            onOtherThread(() -> {
                set(usual);
                return null;
            });
        }
    }

    /** The threads of the calling thread's operations. */
    public static int ofThisThread() {
        try {
            return (int) Jni.GET.invokeExact();
        } catch (Throwable e) {
            throw failed(e);
        }
    }

    private static void set(int threads) {
        try {
            Jni.SET.invokeExact(threads);
        } catch (Throwable e) {
            throw failed(e);
        }
    }

    /** libtorch's getter and setter, found once the engine is loaded (the class's initialisation does both). */
    private static final class Jni {
        private static final MethodHandle GET;
        private static final MethodHandle SET;

        static {
            Engine.getEngine("PyTorch");
            try {
                Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                GET = lookup.findStatic(jni, "getNumThreads", MethodType.methodType(int.class));
                SET = lookup.findStatic(jni, "setNumThreads", MethodType.methodType(void.class, int.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("DJL's PyTorch engine has no thread settings: " + e, e);
            }
        }
    }

    private static RuntimeException failed(Throwable e) {
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }

    /**
     * The count a thread takes on its first operation when nobody set one for it: {@code OMP_NUM_THREADS}, DJL's
     * {@code ai.djl.pytorch.num_threads}, or one per core (libtorch's choice), read once from a new thread.
     */
    public static synchronized int processDefault() {
        if (processDefault == null) {
            processDefault = onOtherThread(IntraOpThreads::ofThisThread);
        }
        return processDefault;
    }

    private static <T> T onOtherThread(Callable<T> work) {
        try {
            return RESTORER.submit(work).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the engine's threads", e);
        }
    }
}
