package dev.duplex.account;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.security.Principal;

/**
 * Ends the session of a browser whose account has been deleted. The container keeps a signed-in user in the HTTP
 * session and does not ask the authentication mechanism again, so without this check a deleted user's browser
 * went on using the API and opening chat connections until its session expired. A request signed in by its session
 * is checked against the accounts (one lookup by primary key); a personal token is checked by the mechanism
 * itself, and a deleted account's tokens are deleted with it.
 *
 * <p>Threading: stateless.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class DeletedAccountCheck extends HttpFilter {

    @Inject
    Accounts accounts;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Principal user = request.getUserPrincipal();
        boolean bySession = !DuplexAuthentication.isBearer(request.getHeader("Authorization"));
        if (user != null && bySession && accounts.find(user.getName()).isEmpty()) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            DuplexAuthentication.writeUnauthorized(request, response, "This account has been deleted: sign in again.");
            return;
        }
        chain.doFilter(request, response);
    }
}
