package dev.duplex.account;

import dev.duplex.database.Database;
import dev.duplex.database.StorableText;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Accounts and their personal API tokens, in the database. Passwords are kept as salted PBKDF2 hashes made by
 * Jakarta Security's own {@link Pbkdf2PasswordHash} (HMAC-SHA512, 210,000 iterations: OWASP's advice), tokens
 * as the SHA-256 of their random value: they are long and random, so a fast hash is enough and a lookup by hash
 * is possible.
 *
 * <p>Threading: thread-safe (the hash is configured once, the database work runs in its own transactions).
 */
@ApplicationScoped
public class Accounts {

    /** Owners of conversations that are accounts are {@code user:<name>}; anonymous owners never contain ':'. */
    public static final String OWNER_PREFIX = "user:";

    /** The {@code app_user.username} column's length. */
    static final int MAX_USERNAME = 64;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1," + MAX_USERNAME + "}");
    private static final int MIN_PASSWORD = 12;
    /** Longer than any passphrase; a longer one is refused rather than hashed at every sign-in. */
    private static final int MAX_PASSWORD = 1024;
    /** The {@code api_token.label} column's length. */
    private static final int MAX_LABEL_CHARS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The password hash of accounts that sign in at the OpenID provider: matches no password. */
    private static final String EXTERNAL = "!external";

    @Inject
    Database database;

    @Inject
    Pbkdf2PasswordHash hash;

    @PostConstruct
    void configure() {
        hash.initialize(Map.of("Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA512",
                "Pbkdf2PasswordHash.Iterations", "210000", "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "64"));
    }

    public static String owner(String username) {
        return OWNER_PREFIX + username;
    }

    public UserEntity create(String username, String password, boolean admin) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new DuplexException(ErrorCode.INVALID_FRAME,
                    "A username is 1 to 64 letters, digits or . _ @ -");
        }
        checkPassword(password);
        String passwordHash = hash.generate(password.toCharArray());
        return database.transaction(em -> {
            if (em.find(UserEntity.class, username) != null) {
                throw new DuplexException(ErrorCode.USER_EXISTS, "There is already a user " + username + ".");
            }
            UserEntity user = new UserEntity(username, passwordHash, admin, Instant.now());
            em.persist(user);
            return user;
        });
    }

    /**
     * The account of a user who signed in at the OpenID provider: created on their first sign-in (with no
     * password: they never sign in here), its admin flag following the provider's groups at every sign-in.
     */
    public UserEntity external(String username, boolean admin) {
        return database.transaction(em -> {
            UserEntity user = em.find(UserEntity.class, username);
            if (user == null) {
                user = new UserEntity(username, EXTERNAL, admin, Instant.now());
                em.persist(user);
            } else {
                user.admin(admin);
            }
            return user;
        });
    }

    /** The user whose password this is, or empty; as slow for an unknown name as for a wrong password. */
    public Optional<UserEntity> verify(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        UserEntity user = find(username).orElse(null);
        if (user == null) {
            hash.generate(password.toCharArray()); // the same work, so timing does not tell which names exist
            return Optional.empty();
        }
        if (user.passwordHash().equals(EXTERNAL)) {
            hash.generate(password.toCharArray());
            return Optional.empty(); // signs in at the OpenID provider only
        }
        return hash.verify(password.toCharArray(), user.passwordHash()) ? Optional.of(user) : Optional.empty();
    }

    /**
     * Sets the user's password and returns its {@linkplain #credentials credentials}; an account that signs in at
     * the OpenID provider has none here.
     */
    public String setPassword(String username, String password) {
        checkPassword(password);
        String passwordHash = hash.generate(password.toCharArray());
        return database.transaction(em -> {
            UserEntity user = em.find(UserEntity.class, username);
            if (user == null) {
                throw new DuplexException(ErrorCode.USER_NOT_FOUND, "No user " + username + ".");
            }
            if (user.passwordHash().equals(EXTERNAL)) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, username + " signs in at the OpenID provider, which"
                        + " keeps their password.");
            }
            user.passwordHash(passwordHash);
            return credentials(user);
        });
    }

    /** What a signed-in session remembers of the user's password: it changes when the password does. */
    public static String credentials(UserEntity user) {
        return sha256(user.passwordHash());
    }

    public Optional<UserEntity> find(String username) {
        return Optional.ofNullable(database.transaction(em -> em.find(UserEntity.class, username)));
    }

    /**
     * The {@linkplain #credentials credentials} of those of {@code usernames} that still have an account, by name
     * (one query per 500 names).
     */
    public Map<String, String> credentials(Collection<String> usernames) {
        List<String> names = List.copyOf(usernames);
        Map<String, String> found = new HashMap<>();
        for (int from = 0; from < names.size(); from += 500) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + 500));
            database.transaction(em -> em.createQuery("select u from UserEntity u where u.username in :names",
                    UserEntity.class).setParameter("names", chunk).getResultList())
                    .forEach(user -> found.put(user.username(), credentials(user)));
        }
        return found;
    }

    public List<UserEntity> users() {
        return database.transaction(em -> em.createQuery("select u from UserEntity u order by u.username",
                UserEntity.class).getResultList());
    }

    public long count() {
        return database.transaction(em -> em.createQuery("select count(u) from UserEntity u", Long.class)
                .getSingleResult());
    }

    /**
     * Removes the user and their tokens, in one transaction with what they own. With {@code erase} their
     * conversations and messages are deleted; without, they stay in the database under an owner nobody can sign in
     * as ({@code deleted:<name>:<epoch ms>}), for an operator who must keep them. Either way a new account of the
     * same name starts with nothing of the old one's: before, it found the old account's conversations (their owner
     * was the name), and its budgets' use of the day.
     */
    public void delete(String username, boolean erase) {
        database.transaction(em -> {
            UserEntity user = em.find(UserEntity.class, username);
            if (user == null) {
                throw new DuplexException(ErrorCode.USER_NOT_FOUND, "No user " + username + ".");
            }
            em.createQuery("delete from ApiTokenEntity t where t.username = :user").setParameter("user", username)
                    .executeUpdate();
            String owner = owner(username);
            if (erase) {
                em.createNativeQuery("DELETE FROM message WHERE conversation_id IN"
                        + " (SELECT id FROM conversation WHERE owner_id = ?)").setParameter(1, owner).executeUpdate();
                em.createNativeQuery("DELETE FROM conversation WHERE owner_id = ?").setParameter(1, owner)
                        .executeUpdate();
            }
            String retired = "deleted:" + username + ":" + Instant.now().toEpochMilli();
            for (String table : List.of("conversation", "usage_budget")) {
                em.createNativeQuery("UPDATE " + table + " SET owner_id = ? WHERE owner_id = ?")
                        .setParameter(1, retired).setParameter(2, owner).executeUpdate();
            }
            em.remove(user);
            return null;
        });
    }

    /** A new token for {@code username}: its value is returned once and never stored. */
    public IssuedToken issueToken(String username, String label) {
        if (label != null && label.strip().length() > MAX_LABEL_CHARS) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "A token's label has at most " + MAX_LABEL_CHARS
                    + " characters.");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = "dpx_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiTokenEntity token = new ApiTokenEntity(UUID.randomUUID().toString(), username, sha256(value),
                label == null || label.isBlank() ? "token" : StorableText.of(label.strip()), Instant.now());
        database.transaction(em -> {
            em.persist(token);
            return null;
        });
        return new IssuedToken(token, value);
    }

    /** The user a token value belongs to, if it is a live token: one query, as it runs on every such request. */
    public Optional<UserEntity> tokenUser(String value) {
        if (value == null || !value.startsWith("dpx_")) {
            return Optional.empty();
        }
        String tokenHash = sha256(value);
        return database.transaction(em -> em.createQuery("select u from UserEntity u, ApiTokenEntity t"
                        + " where t.tokenHash = :hash and u.username = t.username", UserEntity.class)
                .setParameter("hash", tokenHash).getResultList().stream().findFirst());
    }

    public List<ApiTokenEntity> tokens(String username) {
        return database.transaction(em -> em.createQuery("select t from ApiTokenEntity t where t.username = :user"
                + " order by t.createdAt", ApiTokenEntity.class).setParameter("user", username).getResultList());
    }

    public void revoke(String username, String tokenId) {
        database.transaction(em -> {
            ApiTokenEntity token = em.find(ApiTokenEntity.class, tokenId);
            if (token == null || !token.username().equals(username)) {
                throw new DuplexException(ErrorCode.TOKEN_NOT_FOUND, "No token " + tokenId + ".");
            }
            em.remove(token);
            return null;
        });
    }

    public boolean isAdmin(String username) {
        return find(username).map(UserEntity::admin).orElse(false);
    }

    /** The caller's name when the caller is an admin; {@code unauthorized} or {@code forbidden} otherwise. */
    public String requireAdmin(jakarta.servlet.http.HttpServletRequest request) {
        String username = Owners.username(request);
        if (!isAdmin(username)) {
            throw new DuplexException(ErrorCode.FORBIDDEN, "Only an admin may do this.");
        }
        return username;
    }

    static void checkPassword(String password) {
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
            throw new DuplexException(ErrorCode.INVALID_FRAME,
                    "A password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters.");
        }
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A token as made: the stored record and the value, which only its owner ever sees. */
    public record IssuedToken(ApiTokenEntity token, String value) {
    }
}
