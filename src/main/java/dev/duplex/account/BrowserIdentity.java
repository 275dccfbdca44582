package dev.duplex.account;

import dev.duplex.account.AuthMode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The anonymous owner of conversations in {@code duplex.auth.mode=anonymous}: a long random id in the cookie
 * {@code duplex_id} (HttpOnly, SameSite=Lax, Secure behind TLS), given to every browser on its first request. The
 * WebSocket handshake and the REST API read it; a request with no valid one gets a new one. In the other modes
 * the filter does nothing: the container knows the caller.
 *
 * <p>Threading: stateless; the random source is thread-safe.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class BrowserIdentity extends HttpFilter {

    public static final String COOKIE = "duplex_id";
    static final String ATTRIBUTE = "dev.duplex.owner";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{32,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_AGE_SECONDS = 400 * 24 * 3600;

    private final boolean anonymous = AuthMode.current() == AuthMode.ANONYMOUS;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!anonymous) {
            chain.doFilter(request, response); // accounts: the container knows the caller
            return;
        }
        String owner = fromCookies(request.getCookies());
        if (owner == null) {
            owner = newId();
            Cookie cookie = new Cookie(COOKIE, owner);
            cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
            cookie.setHttpOnly(true);
            cookie.setSecure(request.isSecure());
            cookie.setMaxAge(MAX_AGE_SECONDS);
            cookie.setAttribute("SameSite", "Lax");
            response.addCookie(cookie);
        }
        request.setAttribute(ATTRIBUTE, owner);
        chain.doFilter(request, response);
    }

    /** The identity of this request, set by the filter. */
    public static String of(HttpServletRequest request) {
        return (String) request.getAttribute(ATTRIBUTE);
    }

    static String fromCookies(Cookie[] cookies) {
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName()) && valid(cookie.getValue())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    /** The identity in a {@code Cookie} request header's value, or null. */
    public static String fromHeader(String cookieHeader) {
        if (cookieHeader != null) {
            for (String pair : cookieHeader.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).strip().equals(COOKIE)) {
                    String value = pair.substring(equals + 1).strip();
                    if (valid(value)) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    public static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean valid(String value) {
        return value != null && VALID.matcher(value).matches();
    }
}
