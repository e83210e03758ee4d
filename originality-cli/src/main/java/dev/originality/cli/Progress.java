package dev.originality.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr, so that stdout stays machine-readable. */
final class Progress {
    private Progress() {}

    static ProgressBar bar(String task, long total) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                // Redrawn often on a terminal; in logs (no console) every few seconds, not every 250 ms.
                .setUpdateIntervalMillis(System.console() != null ? 250 : 5000)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .continuousUpdate().build();
    }
}
