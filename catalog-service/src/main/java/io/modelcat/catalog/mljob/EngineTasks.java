package io.modelcat.catalog.mljob;

import java.util.List;

/** The tasks the ML engine can evaluate and fine-tune; other catalog tasks can be browsed but not run. */
public final class EngineTasks {

    public static final List<String> SUPPORTED = List.of("text-classification", "token-classification", "text-generation");

    private EngineTasks() {
    }

    public static boolean supports(String task) {
        return SUPPORTED.contains(task);
    }

    public static String list() {
        return String.join(", ", SUPPORTED);
    }
}
