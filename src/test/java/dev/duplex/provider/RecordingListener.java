package dev.duplex.provider;

import java.util.ArrayList;
import java.util.List;

/** Writes down what a decoder reports, one short string per call, for table-driven tests. */
final class RecordingListener implements StreamListener {

    final List<String> seen = new ArrayList<>();

    @Override
    public void text(String delta) {
        seen.add("text:" + delta);
    }

    @Override
    public void finish(String reason) {
        seen.add("finish:" + reason);
    }

    @Override
    public void usage(Usage usage) {
        seen.add("usage:" + usage.inputTokens() + "/" + usage.outputTokens());
    }

    @Override
    public void done() {
        seen.add("done");
    }

    @Override
    public void providerError(String message, boolean transientError) {
        seen.add("error:" + message + (transientError ? " (transient)" : ""));
    }
}
