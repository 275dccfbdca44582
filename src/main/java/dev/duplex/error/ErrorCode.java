package dev.duplex.error;

/**
 * Every error code Duplex sends in an {@code error} frame. The wire names are a contract with clients
 * (docs/protocol.md lists each with its meaning): add codes freely, never rename one.
 */
public enum ErrorCode {
    INVALID_JSON("invalid_json"),
    INVALID_FRAME("invalid_frame"),
    FRAME_TOO_LARGE("frame_too_large"),
    UNKNOWN_TYPE("unknown_type"),
    MISSING_CONTENT("missing_content"),
    UNKNOWN_MODEL("unknown_model"),
    BUSY("busy"),
    GENERATION_NOT_FOUND("generation_not_found"),
    CONVERSATION_NOT_FOUND("conversation_not_found"),
    MESSAGE_NOT_FOUND("message_not_found"),
    NOTHING_TO_REGENERATE("nothing_to_regenerate"),
    CONVERSATION_CHANGED("conversation_changed"),
    STORAGE_ERROR("storage_error"),
    MESSAGE_TOO_LONG("message_too_long"),
    TOO_MANY_CONNECTIONS("too_many_connections"),
    RATE_LIMITED("rate_limited"),
    OVERLOADED("overloaded"),
    BUDGET_EXCEEDED("budget_exceeded"),
    UPSTREAM_UNREACHABLE("upstream_unreachable"),
    UPSTREAM_CONNECT_TIMEOUT("upstream_connect_timeout"),
    UPSTREAM_FIRST_TOKEN_TIMEOUT("upstream_first_token_timeout"),
    UPSTREAM_IDLE_TIMEOUT("upstream_idle_timeout"),
    UPSTREAM_AUTH_FAILED("upstream_auth_failed"),
    UPSTREAM_RATE_LIMITED("upstream_rate_limited"),
    UPSTREAM_OVERLOADED("upstream_overloaded"),
    UPSTREAM_MODEL_NOT_FOUND("upstream_model_not_found"),
    UPSTREAM_BAD_REQUEST("upstream_bad_request"),
    UPSTREAM_CIRCUIT_OPEN("upstream_circuit_open"),
    UPSTREAM_HTTP_ERROR("upstream_http_error"),
    UPSTREAM_BAD_RESPONSE("upstream_bad_response"),
    UPSTREAM_ERROR("upstream_error"),
    UPSTREAM_BAD_CHUNK("upstream_bad_chunk"),
    UPSTREAM_TRUNCATED("upstream_truncated"),
    UPSTREAM_CONNECTION_LOST("upstream_connection_lost"),
    SHUTTING_DOWN("shutting_down"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    USER_EXISTS("user_exists"),
    USER_NOT_FOUND("user_not_found"),
    TOKEN_NOT_FOUND("token_not_found"),
    INTERNAL_ERROR("internal_error");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
