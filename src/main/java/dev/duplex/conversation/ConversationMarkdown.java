package dev.duplex.conversation;

/** A conversation as Markdown: its title, then each message under its role, with its status when not complete. */
final class ConversationMarkdown {

    private ConversationMarkdown() {
    }

    static String of(StoredConversation stored) {
        StringBuilder md = new StringBuilder("# ").append(stored.conversation().title()).append("\n\n");
        if (stored.conversation().systemPrompt() != null) {
            md.append("> System: ").append(stored.conversation().systemPrompt().replace("\n", "\n> ")).append("\n\n");
        }
        for (MessageEntity message : stored.messages()) {
            md.append("## ").append("user".equals(message.role()) ? "You" : "Assistant");
            if (message.model() != null && !"user".equals(message.role())) {
                md.append(" (").append(message.model()).append(')');
            }
            if (message.status() != MessageStatus.COMPLETE) {
                md.append(" [").append(message.status().wireName()).append(']');
            }
            md.append("\n\n").append(message.content()).append("\n\n");
        }
        return md.toString();
    }
}
