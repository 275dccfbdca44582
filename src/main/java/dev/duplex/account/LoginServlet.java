package dev.duplex.account;

import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * The end of the sign-in form's POST (the credentials were checked by {@link DuplexAuthentication}) and of sign
 * out. Both answer with a redirect (303), so reloading the next page never posts the form again. A successful
 * sign-in gets a new session id, which closes session fixation. Signing out of a session that signed in at an
 * OpenID provider goes on to the provider's end-session endpoint, when it has one.
 */
@WebServlet(urlPatterns = {"/login", "/logout", OidcSignIn.CALLBACK})
public class LoginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient OidcSignIn oidc;

    /** Back from the OpenID provider, signed in (else the mechanism answered 401 already). */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getServletPath().equals(OidcSignIn.CALLBACK) || request.getUserPrincipal() == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        request.changeSessionId();
        sameSite(response);
        redirect(response, request.getContextPath() + "/");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String base = request.getContextPath() + "/";
        if (request.getServletPath().equals("/logout")) {
            Optional<URI> atProvider = oidc.endSessionRedirect(request); // needs the session's ID token
            request.logout();
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            redirect(response, atProvider.map(URI::toString).orElse(base + "login.html"));
            return;
        }
        if (request.getUserPrincipal() == null) {
            redirect(response, base + "login.html?failed");
            return;
        }
        request.changeSessionId();
        sameSite(response);
        redirect(response, base);
    }

    /**
     * Marks the session cookie SameSite=Lax, which keeps the browser from sending it with cross-site requests
     * (forgery). Done here, where the session is established, because Servlet 6.0 containers differ in whether
     * they apply a {@code <cookie-config>} attribute (Payara 6 does not).
     */
    private static void sameSite(HttpServletResponse response) {
        java.util.List<String> cookies = java.util.List.copyOf(response.getHeaders("Set-Cookie"));
        boolean first = true;
        for (String cookie : cookies) {
            String marked = cookie.toLowerCase(java.util.Locale.ROOT).contains("samesite") ? cookie
                    : cookie + "; SameSite=Lax";
            if (first) {
                response.setHeader("Set-Cookie", marked);
                first = false;
            } else {
                response.addHeader("Set-Cookie", marked);
            }
        }
    }

    /** 303 See Other: the browser loads {@code location} with a GET. */
    static void redirect(HttpServletResponse response, String location) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }
}
