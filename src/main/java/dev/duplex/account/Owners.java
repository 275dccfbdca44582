package dev.duplex.account;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/**
 * Who owns what a request reads or writes: the signed-in user ({@code user:<name>}), or, only in
 * {@code anonymous} mode, the browser's anonymous identity. The two kinds never collide: anonymous ids have no
 * ':'.
 */
public final class Owners {

    private Owners() {
    }

    public static String of(HttpServletRequest request) {
        String owner = of(request.getUserPrincipal(), BrowserIdentity.of(request));
        if (owner == null) {
            throw new DuplexException(ErrorCode.UNAUTHORIZED, "Sign in first.");
        }
        return owner;
    }

    /** The owner for a caller {@code principal} (may be null) and an anonymous identity (may be null). */
    public static String of(Principal principal, String anonymous) {
        if (principal != null) {
            return Accounts.owner(principal.getName());
        }
        return AuthMode.current() == AuthMode.ANONYMOUS ? anonymous : null;
    }

    /** The signed-in user's name; {@code unauthorized} otherwise. */
    public static String username(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            throw new DuplexException(ErrorCode.UNAUTHORIZED, "Sign in first.");
        }
        return principal.getName();
    }
}
