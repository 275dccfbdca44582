package dev.duplex.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/**
 * What the tests that run Payara Micro as a process of their own share: an upstream on loopback, a data
 * directory, and the server, all ended after each test.
 */
abstract class WithServerProcess {

    final FakeUpstream upstream = FakeUpstream.startUnchecked();
    final Path dataDir = Deployments.dataDir();
    PayaraProcess server;

    @AfterEach
    void stopServerAndUpstream() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            upstream.close();
        }
    }
}
