package dev.copytrade.core.testkit;

/** The seed of a randomised test: {@code -Dcopytrade.seed=...} replays a failure, otherwise a fresh one. */
public final class Seeds {
    private Seeds() {}

    public static long seed() {
        String given = System.getProperty("copytrade.seed");
        return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
    }
}
