package dev.duplex.conversation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One conversation, owned by one identity; its messages are {@link MessageEntity} rows. */
@Entity
@Table(name = "conversation")
public class ConversationEntity {

    @Id
    private String id;

    @Column(name = "owner_id", nullable = false)
    private String ownerId;

    @Column(nullable = false)
    private String title;

    @Column(name = "system_prompt")
    private String systemPrompt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected ConversationEntity() {
    }

    ConversationEntity(String id, String ownerId, String title, Instant now) {
        this.id = id;
        this.ownerId = ownerId;
        this.title = title;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String id() {
        return id;
    }

    public String ownerId() {
        return ownerId;
    }

    public String title() {
        return title;
    }

    void rename(String newTitle) {
        title = newTitle;
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    void systemPrompt(String prompt) {
        systemPrompt = prompt;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    void touch(Instant now) {
        updatedAt = now;
    }
}
