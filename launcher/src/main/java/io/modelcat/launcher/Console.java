package io.modelcat.launcher;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The launcher's messages to the person who started it: one line each, with the time. */
final class Console {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Console() {
    }

    static void say(String message) {
        System.out.println(LocalTime.now().format(TIME) + "  " + message);
    }

    static void warn(String message) {
        System.err.println(LocalTime.now().format(TIME) + "  " + message);
    }
}
