package dev.copytrade.examples.replay;

/** Placeholder so the build has a main class while the replay bot is written. */
public final class ReplayBot {
    private ReplayBot() {}

    public static void main(String[] args) {
        System.out.println("replay bot: not built yet");
    }
}
