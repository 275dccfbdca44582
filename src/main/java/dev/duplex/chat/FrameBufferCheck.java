package dev.duplex.chat;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/**
 * Warns at deployment when Payara's HTTP layer (Grizzly) gives every WebSocket frame Duplex sends a new 8 KB
 * array. Grizzly pools write buffers only for its own threads unless its memory manager is the pooled one, and
 * Duplex sends from its own ({@link SendThreads}): with Grizzly's default that was a quarter of everything Duplex
 * allocated (docs/benchmarks.md, finding 20). The setting is a JVM option the server must start with, which an
 * application cannot change; Payara Server's default domain even sets the unpooled one. Runs once, at deployment.
 */
@WebListener
public class FrameBufferCheck implements ServletContextListener {

    private static final String MEMORY_MANAGER = "org.glassfish.grizzly.DEFAULT_MEMORY_MANAGER";
    private static final String POOLED = "org.glassfish.grizzly.memory.PooledMemoryManager";

    private static final Logger LOG = Logger.getLogger(FrameBufferCheck.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String server = event.getServletContext().getServerInfo();
        String manager = System.getProperty(MEMORY_MANAGER);
        if (unpooled(server, manager)) {
            LOG.warning(() -> "Grizzly's memory manager is " + (manager == null ? "its default" : manager)
                    + " on " + server + ", so every WebSocket frame Duplex sends costs a new 8 KB array. Start the"
                    + " server with -D" + MEMORY_MANAGER + "=" + POOLED + " (server-config/payara/jvm.options, or"
                    + " jvm-options.asadmin for Payara Server; docs/benchmarks.md, finding 20).");
        }
    }

    /**
     * Whether frames get unpooled buffers: on a server built on Grizzly (Payara, GlassFish) whose memory manager
     * is not the pooled one; Grizzly's default, when the property is not set, is the unpooled heap manager.
     */
    static boolean unpooled(String serverInfo, String memoryManager) {
        boolean grizzly = serverInfo != null && (serverInfo.contains("Payara") || serverInfo.contains("GlassFish"));
        return grizzly && !POOLED.equals(memoryManager);
    }
}
