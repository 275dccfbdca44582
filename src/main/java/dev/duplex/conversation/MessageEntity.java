package dev.duplex.conversation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One message of a conversation: a user's question or an assistant's answer with its status, model, usage and
 * cost. A message replaced by a regeneration or an edit is kept, marked {@code superseded}.
 */
@Entity
@Table(name = "message")
public class MessageEntity {

    @Id
    private String id;

    @Column(name = "conversation_id", nullable = false)
    private String conversationId;

    @Column(nullable = false)
    private int position;

    @Column(nullable = false)
    private String role;

    @Column(nullable = false)
    private String content;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private MessageStatus status;

    @Column(nullable = false)
    private boolean superseded;

    @Column(name = "generation_id")
    private String generationId;

    private String model;
    private String provider;

    /** The server streaming the answer ({@link ServerPresence}); null for a question. */
    @Column(name = "server_name")
    private String serverName;

    @Column(name = "finish_reason")
    private String finishReason;

    @Column(name = "error_code")
    private String errorCode;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "input_tokens")
    private Long inputTokens;

    @Column(name = "output_tokens")
    private Long outputTokens;

    @Column(name = "usage_estimated")
    private Boolean usageEstimated;

    private BigDecimal cost;
    private String currency;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected MessageEntity() {
    }

    MessageEntity(String id, String conversationId, int position, String role, String content, MessageStatus status,
                  Instant now) {
        this.id = id;
        this.conversationId = conversationId;
        this.position = position;
        this.role = role;
        this.content = content;
        this.status = status;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String id() {
        return id;
    }

    public String conversationId() {
        return conversationId;
    }

    public int position() {
        return position;
    }

    public String role() {
        return role;
    }

    public String content() {
        return content;
    }

    public MessageStatus status() {
        return status;
    }

    public boolean superseded() {
        return superseded;
    }

    public String generationId() {
        return generationId;
    }

    public String model() {
        return model;
    }

    public String provider() {
        return provider;
    }

    public String finishReason() {
        return finishReason;
    }

    public String errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public Long inputTokens() {
        return inputTokens;
    }

    public Long outputTokens() {
        return outputTokens;
    }

    public Boolean usageEstimated() {
        return usageEstimated;
    }

    public BigDecimal cost() {
        return cost;
    }

    public String currency() {
        return currency;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    void generation(String id, String modelId, String server) {
        generationId = id;
        model = modelId;
        serverName = server;
    }

    void supersede() {
        superseded = true;
    }
}
