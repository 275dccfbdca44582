package dev.duplex.account;

import dev.duplex.database.InstantColumn;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A personal API token, stored as the SHA-256 of its value (the value is shown once, when it is made). */
@Entity
@Table(name = "api_token")
public class ApiTokenEntity {

    @Id
    private String id;

    @Column(nullable = false)
    private String username;

    @Column(name = "token_hash", nullable = false, unique = true)
    private String tokenHash;

    @Column(nullable = false)
    private String label;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantColumn.class)
    private Instant createdAt;

    protected ApiTokenEntity() {
    }

    ApiTokenEntity(String id, String username, String tokenHash, String label, Instant createdAt) {
        this.id = id;
        this.username = username;
        this.tokenHash = tokenHash;
        this.label = label;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String username() {
        return username;
    }

    public String label() {
        return label;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
