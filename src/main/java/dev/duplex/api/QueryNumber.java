package dev.duplex.api;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;

/**
 * A whole-number query parameter, read by the resource itself: JAX-RS answers a value it cannot convert into an
 * {@code int} parameter with 404, as if the path were wrong.
 */
public final class QueryNumber {

    private QueryNumber() {
    }

    /** Query parameter {@code name}'s {@code value} as an int; anything else is {@code invalid_frame}, named. */
    public static int of(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, name + " must be a whole number.");
        }
    }
}
