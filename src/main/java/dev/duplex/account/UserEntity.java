package dev.duplex.account;

import dev.duplex.database.InstantColumn;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An account: its name, its salted PBKDF2 password hash (Jakarta Security's format), and whether it is an admin. */
@Entity
@Table(name = "app_user")
public class UserEntity {

    @Id
    private String username;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(nullable = false)
    private boolean admin;

    @Column(name = "created_at", nullable = false)
    @Convert(converter = InstantColumn.class)
    private Instant createdAt;

    protected UserEntity() {
    }

    UserEntity(String username, String passwordHash, boolean admin, Instant createdAt) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.admin = admin;
        this.createdAt = createdAt;
    }

    public String username() {
        return username;
    }

    String passwordHash() {
        return passwordHash;
    }

    public boolean admin() {
        return admin;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void admin(boolean admin) {
        this.admin = admin;
    }

    void passwordHash(String hash) {
        passwordHash = hash;
    }
}
