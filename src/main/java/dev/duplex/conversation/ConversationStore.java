package dev.duplex.conversation;

import dev.duplex.database.Database;
import dev.duplex.database.InstantColumn;
import dev.duplex.database.StorableText;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.ChatMessage;
import dev.duplex.text.Excerpt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

/**
 * Conversations and messages in the database. Every read and write names the owner, so one identity never
 * reaches another's data: a conversation of someone else is "not found", exactly like one that does not exist.
 *
 * <p>Threading: thread-safe. Reads are one transaction on the caller's thread; writes go through
 * {@link StoreWriter}, which commits the writes waiting at the same moment together. Reads and the writes that
 * return their result block (JDBC): never call them from a stream's or a timer's thread; {@link #savePartial} and
 * {@link #end} return at once with a future.
 */
@ApplicationScoped
public class ConversationStore {

    static final int TITLE_LENGTH = 60;
    /** The {@code message.error_message} column's length. */
    static final int MAX_ERROR_MESSAGE = 2000;

    @Inject
    Database database;

    @Inject
    StoreWriter writer;

    @Inject
    ServerPresence presence;

    /**
     * Records what a client asked before the model sees it: the user's message (or, to regenerate, the previous
     * answer superseded; to edit, the edited message and all after it superseded), and an empty answer in status
     * {@code streaming}. Returns at once with the history for the model and the new messages' ids; the write is
     * {@linkplain BegunTurn#committed committed} by the store writer meanwhile, so the provider can be asked while
     * it commits. A conversation of someone else, or a regeneration or edit that does not fit the conversation,
     * is refused here; one that another connection changed between this read and the write fails the commit with
     * {@code conversation_changed}, and nothing of the turn is stored.
     */
    public BegunTurn begin(String owner, TurnRequest request) {
        boolean fresh = request.conversationId() == null;
        String conversationId = fresh ? TimeOrderedIds.next() : request.conversationId();
        String questionId = request.regenerate() ? null : TimeOrderedIds.next();
        String answerId = TimeOrderedIds.next();
        Kept seen = fresh ? Kept.NONE : database.transaction(em -> kept(em, owner, request));
        String systemPrompt = request.system() == null ? seen.systemPrompt()
                : request.system().isBlank() ? null : request.system();
        List<ChatMessage> history = history(systemPrompt, seen.current().subList(0, seen.keep()));
        if (questionId != null) {
            history.add(ChatMessage.user(request.content()));
        }
        CompletableFuture<Void> committed = writer.submit(em -> {
            Instant now = Instant.now();
            ConversationEntity conversation;
            int position;
            if (fresh) {
                conversation = create(em, owner, conversationId, request.content(), now);
                position = 0;
            } else {
                // everything that can refuse the turn is checked before anything changes (see StoreWriter)
                conversation = owned(em, owner, conversationId);
                Layout layout = Layout.of(em, conversationId);
                if (!layout.current().equals(seen.ids()) || !Objects.equals(conversation.systemPrompt(),
                        seen.systemPrompt())) {
                    throw new DuplexException(ErrorCode.CONVERSATION_CHANGED, "Conversation " + conversationId
                            + " changed while this message was being stored (sent from another window?); it was"
                            + " not stored: send it again.");
                }
                position = layout.nextPosition();
                seen.current().subList(seen.keep(), seen.current().size())
                        .forEach(message -> em.find(MessageEntity.class, message.id()).supersede());
            }
            if (request.system() != null) {
                conversation.systemPrompt(systemPrompt);
            }
            if (questionId != null) {
                add(em, questionId, conversationId, position++, "user", request.content(), MessageStatus.COMPLETE,
                        now);
            }
            add(em, answerId, conversationId, position, "assistant", "", MessageStatus.STREAMING, now)
                    .generation(request.generationId(), request.model(), presence.name());
            conversation.touch(now);
            return null;
        }, request.content() == null ? 0 : request.content().length());
        return new BegunTurn(conversationId, questionId, answerId, history, committed);
    }

    /**
     * A conversation as a turn finds it: its current messages, of which the first {@code keep} stay (regenerating
     * drops the last answer, editing the edited message and all after it), and its system prompt.
     */
    private record Kept(String systemPrompt, List<Seen> current, int keep) {

        static final Kept NONE = new Kept(null, List.of(), 0);

        List<String> ids() {
            return current.stream().map(Seen::id).toList();
        }
    }

    /** A current message as a turn reads it: its id (for the writer's check) and what the model sees of it. */
    record Seen(String id, String role, String content) {
    }

    /**
     * What the store writer checks a turn against, without loading any message: the ids of the current messages
     * in order, and the position after every message (superseded ones included: positions are never reused).
     * The writer is one thread for every write, so its reads cost every other write's commit; the texts are
     * what a long conversation weighs.
     */
    private record Layout(List<String> current, int nextPosition) {

        static Layout of(EntityManager em, String conversationId) {
            List<Object[]> rows = em.createQuery("select m.id, m.superseded, m.position from MessageEntity m"
                    + " where m.conversationId = :id order by m.position", Object[].class)
                    .setParameter("id", conversationId).getResultList();
            List<String> current = rows.stream().filter(row -> !Boolean.TRUE.equals(row[1]))
                    .map(row -> (String) row[0]).toList();
            return new Layout(current, rows.isEmpty() ? 0 : ((Number) rows.get(rows.size() - 1)[2]).intValue() + 1);
        }
    }

    /**
     * Two plain reads, no entities: the turn waits for them before the provider can be asked, and building and
     * tracking entities (whose texts are what a long conversation weighs) would only add to that wait.
     */
    private static Kept kept(EntityManager em, String owner, TurnRequest request) {
        List<?> found = em.createNativeQuery("SELECT owner_id, system_prompt FROM conversation WHERE id = ?")
                .setParameter(1, request.conversationId()).getResultList();
        Object[] conversation = found.isEmpty() ? null : (Object[]) found.get(0);
        if (conversation == null || !owner.equals(conversation[0])) {
            throw notFound(request.conversationId());
        }
        List<Seen> current = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT id, role, content FROM message WHERE conversation_id = ?"
                + " AND superseded = FALSE ORDER BY position").setParameter(1, request.conversationId())
                .getResultList()) {
            Object[] columns = (Object[]) row;
            current.add(new Seen((String) columns[0], (String) columns[1], (String) columns[2]));
        }
        int keep = request.regenerate() ? lastAnswer(current)
                : request.editOf() != null ? editPoint(current, request.editOf()) : current.size();
        return new Kept((String) conversation[1], current, keep);
    }

    /**
     * Saves the answer so far, while it streams (does nothing once it has ended): {@code text} is what came after
     * the first {@code from} characters, which are stored already (0: the whole text). Completes when committed.
     * One statement, no read: it runs on the store's single writer thread, where every statement delays the next
     * commit. The database still rewrites the whole row, so the write weighs its whole length.
     */
    public CompletableFuture<Void> savePartial(String answerId, String text, int from) {
        return writer.submit(em -> {
            em.createNativeQuery("UPDATE message SET content = " + (from > 0 ? "content || ?" : "?")
                            + ", updated_at = ? WHERE id = ? AND status = ?")
                    .setParameter(1, text).setParameter(2, InstantColumn.column(Instant.now()))
                    .setParameter(3, answerId).setParameter(4, MessageStatus.STREAMING.name()).executeUpdate();
            return null;
        }, from + text.length());
    }

    /** Stores how the answer ended and touches its conversation; completes when committed. Two statements, no read. */
    public CompletableFuture<Void> end(String answerId, AnswerOutcome outcome) {
        return writer.submit(em -> {
            OffsetDateTime now = InstantColumn.column(Instant.now());
            Map<String, Object> columns = new LinkedHashMap<>();
            columns.put("content", outcome.text());
            columns.put("status", outcome.status().name());
            if (outcome.model() != null) { // else the model asked for stays
                columns.put("model", outcome.model());
            }
            columns.put("provider", outcome.provider());
            columns.put("finish_reason", outcome.finishReason());
            columns.put("error_code", outcome.errorCode());
            columns.put("error_message", fitted(outcome.errorMessage()));
            columns.put("input_tokens", outcome.inputTokens());
            columns.put("output_tokens", outcome.outputTokens());
            columns.put("usage_estimated", outcome.usageEstimated());
            columns.put("cost", outcome.cost());
            columns.put("currency", outcome.currency());
            columns.put("updated_at", now);
            update(em, "message", columns, answerId);
            em.createNativeQuery("UPDATE conversation SET updated_at = ? WHERE id ="
                            + " (SELECT conversation_id FROM message WHERE id = ?)")
                    .setParameter(1, now).setParameter(2, answerId).executeUpdate();
            return null;
        }, outcome.text().length());
    }

    /**
     * {@code UPDATE table SET ... WHERE id = ?}: a null is written as the literal NULL, because a bound null
     * carries no SQL type through the provider and PostgreSQL refuses it for a number or boolean column.
     */
    private static void update(EntityManager em, String table, Map<String, Object> columns, String id) {
        StringJoiner set = new StringJoiner(", ");
        List<Object> values = new ArrayList<>();
        columns.forEach((column, value) -> {
            set.add(column + (value == null ? " = NULL" : " = ?"));
            if (value != null) {
                values.add(value);
            }
        });
        var statement = em.createNativeQuery("UPDATE " + table + " SET " + set + " WHERE id = ?");
        for (int i = 0; i < values.size(); i++) {
            statement.setParameter(i + 1, values.get(i));
        }
        statement.setParameter(values.size() + 1, id).executeUpdate();
    }

    /** The owner's conversations, newest activity first; {@code query} (optional) searches titles and text. */
    public List<ConversationEntity> list(String owner, String query, int offset, int limit) {
        return database.transaction(em -> {
            if (query == null || query.isBlank()) {
                return em.createQuery("select c from ConversationEntity c where c.ownerId = :owner"
                                + " order by c.updatedAt desc, c.id", ConversationEntity.class)
                        .setParameter("owner", owner).setFirstResult(offset).setMaxResults(limit).getResultList();
            }
            // no ESCAPE clause: with one EclipseLink stops binding parameters and writes the boolean as 0, which
            // H2 refuses; H2 and PostgreSQL both escape LIKE with a backslash by default
            return em.createQuery("select distinct c from ConversationEntity c, MessageEntity m"
                            + " where m.conversationId = c.id and c.ownerId = :owner and m.superseded = :superseded"
                            + " and (lower(c.title) like :pattern or lower(m.content) like :pattern)"
                            + " order by c.updatedAt desc, c.id", ConversationEntity.class)
                    .setParameter("owner", owner).setParameter("pattern", likePattern(query))
                    .setParameter("superseded", Boolean.FALSE)
                    .setFirstResult(offset).setMaxResults(limit).getResultList();
        });
    }

    /** The conversation and its current messages, or {@code conversation_not_found}. */
    public StoredConversation find(String owner, String id) {
        return database.transaction(em -> new StoredConversation(owned(em, owner, id), current(em, id)));
    }

    /** The answer generation {@code generationId} produced, if it is stored in one of the owner's conversations. */
    public Optional<MessageEntity> answerOf(String owner, String generationId) {
        return database.transaction(em -> em.createQuery("select m from MessageEntity m, ConversationEntity c"
                        + " where m.generationId = :generation and m.conversationId = c.id and c.ownerId = :owner",
                        MessageEntity.class)
                .setParameter("generation", generationId).setParameter("owner", owner).setMaxResults(1)
                .getResultList().stream().findFirst());
    }

    public ConversationEntity rename(String owner, String id, String title) {
        return writer.write(em -> {
            ConversationEntity conversation = owned(em, owner, id);
            conversation.rename(title.strip());
            conversation.touch(Instant.now());
            return conversation;
        });
    }

    public void delete(String owner, String id) {
        writer.write(em -> {
            ConversationEntity conversation = owned(em, owner, id);
            em.createQuery("delete from MessageEntity m where m.conversationId = :id").setParameter("id", id)
                    .executeUpdate();
            em.remove(conversation);
            return null;
        });
    }

    /** {@code query} as a case-insensitive LIKE pattern that matches its characters literally. */
    static String likePattern(String query) {
        return "%" + query.strip().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
    }

    private static ConversationEntity create(EntityManager em, String owner, String id, String firstMessage,
                                             Instant now) {
        ConversationEntity conversation = new ConversationEntity(id, owner, title(firstMessage), now);
        em.persist(conversation);
        em.flush(); // its row before its messages': no mapped relation tells the provider that order
        return conversation;
    }

    private static ConversationEntity owned(EntityManager em, String owner, String id) {
        ConversationEntity conversation = em.find(ConversationEntity.class, id);
        if (conversation == null || !conversation.ownerId().equals(owner)) {
            throw notFound(id);
        }
        return conversation;
    }

    /** One that does not exist and one of another owner get the same answer: no owner learns of another's. */
    private static DuplexException notFound(String id) {
        return new DuplexException(ErrorCode.CONVERSATION_NOT_FOUND, "No conversation " + Excerpt.ofInput(id) + ".");
    }

    private static List<MessageEntity> current(EntityManager em, String conversationId) {
        return new ArrayList<>(em.createQuery("select m from MessageEntity m where m.conversationId = :id"
                        + " and m.superseded = :superseded order by m.position", MessageEntity.class)
                .setParameter("id", conversationId).setParameter("superseded", Boolean.FALSE).getResultList());
    }

    private static MessageEntity add(EntityManager em, String id, String conversationId, int position, String role,
                                     String content, MessageStatus status, Instant now) {
        MessageEntity message = new MessageEntity(id, conversationId, position, role, content, status, now);
        em.persist(message);
        return message;
    }

    /** Regenerating keeps everything but the last answer, which must be there. */
    private static int lastAnswer(List<Seen> current) {
        if (current.isEmpty() || !"assistant".equals(current.get(current.size() - 1).role())) {
            throw new DuplexException(ErrorCode.NOTHING_TO_REGENERATE,
                    "The conversation does not end with an answer to regenerate.");
        }
        return current.size() - 1;
    }

    /** Editing user message {@code messageId} keeps what came before it: the conversation forks there. */
    private static int editPoint(List<Seen> current, String messageId) {
        for (int i = current.size() - 1; i >= 0; i--) {
            if (current.get(i).id().equals(messageId) && "user".equals(current.get(i).role())) {
                return i;
            }
        }
        throw new DuplexException(ErrorCode.MESSAGE_NOT_FOUND,
                "No user message " + Excerpt.ofInput(messageId) + " in this conversation to edit.");
    }

    /** What the model is to see: the system prompt, then every current message with text. */
    static List<ChatMessage> history(String systemPrompt, List<Seen> messages) {
        List<ChatMessage> history = new ArrayList<>();
        if (systemPrompt != null) {
            history.add(ChatMessage.system(systemPrompt));
        }
        for (Seen message : messages) {
            if (!message.content().isEmpty()) {
                history.add(new ChatMessage(message.role(), message.content()));
            }
        }
        return history;
    }

    /** An error message as its column keeps it: a longer one is cut, rather than failing the answer's save. */
    static String fitted(String providersWords) {
        String errorMessage = StorableText.of(providersWords); // a provider's error is quoted in it
        if (errorMessage == null || errorMessage.length() <= MAX_ERROR_MESSAGE) {
            return errorMessage;
        }
        return Excerpt.of(errorMessage, MAX_ERROR_MESSAGE - 1);
    }

    /** A title from the first message: its first line, at most 60 characters, cut at a word. */
    static String title(String firstMessage) {
        String line = firstMessage.strip().lines().findFirst().orElse("").replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return "New conversation";
        }
        if (line.length() <= TITLE_LENGTH) {
            return line;
        }
        int cut = line.lastIndexOf(' ', TITLE_LENGTH - 1);
        return (cut > TITLE_LENGTH / 2 ? line.substring(0, cut) : Excerpt.prefix(line, TITLE_LENGTH - 1)) + "…";
    }
}
