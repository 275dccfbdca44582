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
import java.util.Optional;

/**
 * Ends the session of a browser whose account has been deleted, or whose password has been changed since it
 * signed in (by the user in another browser, or reset by an admin). The container keeps a signed-in user in the
 * HTTP session and does not ask the authentication mechanism again, so without this check a deleted user's
 * browser, or a browser signed in with a password since changed, went on using the API and opening chat
 * connections until its session expired. A request signed in by its session is checked against the accounts (one
 * lookup by primary key); the session remembers a digest of the password it signed in with from its first
 * request on. A personal token is checked by the mechanism itself, and a deleted account's tokens are deleted
 * with it (a password change leaves tokens working: revoke them with {@code DELETE /api/tokens/{id}}).
 *
 * <p>Threading: stateless.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class SignedInAccountCheck extends HttpFilter {

    /** The session attribute holding {@link Accounts#credentials} as the session signed in with them. */
    static final String CREDENTIALS = "dev.duplex.credentials";

    @Inject
    Accounts accounts;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Principal user = request.getUserPrincipal();
        boolean bySession = !DuplexAuthentication.isBearer(request.getHeader("Authorization"));
        if (user != null && bySession) {
            Optional<UserEntity> account = accounts.find(user.getName());
            HttpSession session = request.getSession(false);
            if (account.isEmpty()) {
                end(request, response, session, "This account has been deleted: sign in again.");
                return;
            }
            if (session != null) {
                String credentials = Accounts.credentials(account.get());
                Object signedInWith = session.getAttribute(CREDENTIALS);
                if (signedInWith == null) {
                    session.setAttribute(CREDENTIALS, credentials);
                } else if (!signedInWith.equals(credentials)) {
                    end(request, response, session, "The password was changed: sign in again.");
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    /** What {@code session} remembers of the password it signed in with, or null (not yet, or not a user's). */
    public static String credentials(HttpSession session) {
        try {
            return session.getAttribute(CREDENTIALS) instanceof String credentials ? credentials : null;
        } catch (IllegalStateException invalidated) {
            return null;
        }
    }

    /**
     * After a change of the caller's own password: the session that changed it stays signed in, under a new id
     * (OWASP's advice after a password change: whoever had learnt the old id has nothing).
     */
    static void remember(HttpServletRequest request, String credentials) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.setAttribute(CREDENTIALS, credentials);
            request.changeSessionId();
        }
    }

    private static void end(HttpServletRequest request, HttpServletResponse response, HttpSession session,
                            String why) throws IOException {
        if (session != null) {
            session.invalidate();
        }
        DuplexAuthentication.writeUnauthorized(request, response, why);
    }
}
