package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ITs' way to Duplex's context root when Arquillian's URL has none. */
class DeploymentsTest {

    @Test
    void theContextRootIsTheArchivesNameWithoutItsExtension() {
        assertEquals("/duplex/", Deployments.contextRoot(Path.of("target", "duplex.war")));
        assertEquals("/duplex-1.0/", Deployments.contextRoot(Path.of("/tmp/duplex-1.0.war")));
    }

    @Test
    void aReportedPathIsKept() throws Exception {
        assertEquals("/duplex/", Deployments.path(new URL("http://10.0.0.5:8581/duplex/")));
        assertEquals("/", Deployments.path(new URL("http://localhost:8080/")));
    }
}
