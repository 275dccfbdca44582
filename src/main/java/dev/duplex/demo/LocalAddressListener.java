package dev.duplex.demo;

import jakarta.inject.Inject;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells {@link DemoAddress} the address of the listener the application is served on. Request listeners see
 * every request, WebSocket upgrades included, before any filter; after the first one this is a field read.
 */
@WebListener
public class LocalAddressListener implements ServletRequestListener {

    @Inject
    DemoAddress address;

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (address.known()) {
            return;
        }
        ServletRequest request = event.getServletRequest();
        if (request instanceof HttpServletRequest http && !http.isSecure()) {
            address.learn(http.getLocalAddr(), http.getLocalPort(), http.getContextPath());
        }
    }
}
