package dev.duplex.chat;

import dev.duplex.database.StorableText;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.text.Excerpt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.Map;

/**
 * Decodes a client text frame (one JSON object) into a {@link ClientFrame}, or explains with a stable error code
 * why it cannot: {@code invalid_json}, {@code invalid_frame}, {@code unknown_type}, {@code missing_content}.
 * A frame with no {@code type} but a {@code content} is a message, so the simplest clients work.
 *
 * <p>Threading: thread-safe (JSON-B instances are).
 */
@ApplicationScoped
public class ClientFrameDecoder {

    /** The union of every client frame's fields; unknown fields are ignored. */
    public record IncomingFrame(String type, String content, String system, String model,
                                @JsonbProperty("conversation_id") String conversationId,
                                @JsonbProperty("edit_of") String editOf, String id,
                                @JsonbProperty("after_seq") String afterSeq) {
    }

    /**
     * Made once: {@code Json.createParser} looks the JSON-P provider up with a ServiceLoader on every call, which
     * in a WAR scans every jar of the application's class path (JFR: most of the server's CPU at 100 sessions).
     */
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private final Jsonb jsonb;

    @Inject
    public ClientFrameDecoder(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    /** For CDI's proxy only. */
    protected ClientFrameDecoder() {
        this(null);
    }

    public ClientFrame decode(String text) {
        IncomingFrame frame = storable(read(text));
        String type = frame.type();
        if (type == null) {
            if (frame.content() == null) {
                throw new DuplexException(ErrorCode.UNKNOWN_TYPE,
                        "The frame has no \"type\" (and no \"content\", which would make it a message).");
            }
            type = "message";
        }
        return switch (type) {
            case "message" -> message(frame);
            case "regenerate" -> regenerate(frame);
            case "cancel" -> new ClientFrame.Cancel(blankToNull(frame.id()));
            case "resume" -> resume(frame);
            case "ping" -> new ClientFrame.Ping();
            default -> throw new DuplexException(ErrorCode.UNKNOWN_TYPE,
                    "Unknown frame type \"" + Excerpt.ofInput(type)
                            + "\"; expected message, regenerate, resume, cancel or ping.");
        };
    }

    /**
     * The text is checked to be one complete JSON object by walking JSON-P's parser events before JSON-B binds
     * it: JSON-B skipping an unknown field whose object or array never ends loops for ever in Parsson, which
     * would let one frame hold a server thread. The walk never turns a number into a value, because Parsson
     * throws NumberFormatException for numbers like {@code 8e88888888888} (both found by
     * ClientFrameDecoderFuzzTest).
     */
    private IncomingFrame read(String text) {
        if (!isJson(text)) {
            throw new DuplexException(ErrorCode.INVALID_JSON, "The frame is not valid JSON.");
        }
        if (!text.stripLeading().startsWith("{")) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "The frame must be a JSON object.");
        }
        IncomingFrame frame;
        try {
            frame = jsonb.fromJson(text, IncomingFrame.class);
        } catch (JsonbException e) {
            throw new DuplexException(ErrorCode.INVALID_FRAME,
                    "The frame must be a JSON object whose fields are strings: " + rootMessage(e), e);
        }
        return frame;
    }

    /** The frame with U+0000 replaced in every field ({@link StorableText}). */
    private static IncomingFrame storable(IncomingFrame frame) {
        return new IncomingFrame(StorableText.of(frame.type()), StorableText.of(frame.content()),
                StorableText.of(frame.system()), StorableText.of(frame.model()),
                StorableText.of(frame.conversationId()), StorableText.of(frame.editOf()), StorableText.of(frame.id()),
                frame.afterSeq());
    }

    private static ClientFrame message(IncomingFrame frame) {
        if (frame.content() == null || frame.content().isBlank()) {
            throw new DuplexException(ErrorCode.MISSING_CONTENT, "A message needs a non-empty \"content\".");
        }
        String conversation = blankToNull(frame.conversationId());
        String editOf = blankToNull(frame.editOf());
        if (editOf != null && conversation == null) { // it would start a new conversation, the edit ignored
            throw new DuplexException(ErrorCode.INVALID_FRAME,
                    "\"edit_of\" needs the \"conversation_id\" of the conversation whose message it replaces.");
        }
        return new ClientFrame.Message(frame.content(), frame.system(), blankToNull(frame.model()), conversation,
                editOf);
    }

    private static ClientFrame regenerate(IncomingFrame frame) {
        String conversation = blankToNull(frame.conversationId());
        if (conversation == null) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "regenerate needs the \"conversation_id\".");
        }
        return new ClientFrame.Regenerate(conversation, blankToNull(frame.model()));
    }

    private static ClientFrame resume(IncomingFrame frame) {
        String id = blankToNull(frame.id());
        if (id == null) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "resume needs the generation's \"id\".");
        }
        return new ClientFrame.Resume(id, afterSeq(frame.afterSeq()));
    }

    /**
     * Read as the number's text (JSON-B gives a number's text to a String) and parsed here, because binding to a
     * long lets an out-of-range number through as a wrapped value.
     */
    private static long afterSeq(String text) {
        if (text == null) {
            return 0;
        }
        try {
            long afterSeq = Long.parseLong(text);
            if (afterSeq >= 0) {
                return afterSeq;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new DuplexException(ErrorCode.INVALID_FRAME,
                "\"after_seq\" must be a whole number, 0 or more: the seq of the last token received.");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static boolean isJson(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            while (parser.hasNext()) {
                parser.next();
            }
            return true;
        } catch (JsonException | IllegalStateException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Excerpt.ofInput(String.valueOf(root.getMessage()));
    }
}
