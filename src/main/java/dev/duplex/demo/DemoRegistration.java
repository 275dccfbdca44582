package dev.duplex.demo;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Adds the demo model's endpoint at {@value #PATH} unless {@code duplex.demo.enabled=false}: in production the
 * endpoint does not exist at all (404), rather than existing and refusing.
 */
@WebListener
public class DemoRegistration implements ServletContextListener {

    static final String PATH = "/demo/v1/chat/completions";

    @Inject
    @ConfigProperty(name = "duplex.demo.enabled", defaultValue = "true")
    boolean enabled;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (!enabled) {
            return;
        }
        ServletRegistration.Dynamic servlet =
                event.getServletContext().addServlet("duplex-demo-model", DemoCompletionsServlet.class);
        servlet.setAsyncSupported(true);
        servlet.addMapping(PATH);
    }
}
