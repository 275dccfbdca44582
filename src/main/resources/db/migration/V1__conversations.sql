-- Conversations and their messages. Portable SQL: H2 (embedded default) and PostgreSQL (production).
CREATE TABLE conversation (
    id            VARCHAR(36)  NOT NULL PRIMARY KEY,
    owner_id      VARCHAR(100) NOT NULL,
    title         VARCHAR(200) NOT NULL,
    system_prompt VARCHAR(100000),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX conversation_owner_updated ON conversation (owner_id, updated_at);

CREATE TABLE message (
    id              VARCHAR(36)  NOT NULL PRIMARY KEY,
    conversation_id VARCHAR(36)  NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
    position        INTEGER      NOT NULL,
    role            VARCHAR(16)  NOT NULL,
    content         VARCHAR(1000000) NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    superseded      BOOLEAN      NOT NULL,
    generation_id   VARCHAR(36),
    model           VARCHAR(200),
    provider        VARCHAR(100),
    finish_reason   VARCHAR(50),
    error_code      VARCHAR(50),
    error_message   VARCHAR(2000),
    input_tokens    BIGINT,
    output_tokens   BIGINT,
    usage_estimated BOOLEAN,
    cost            NUMERIC(24, 10),
    currency        VARCHAR(8),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX message_conversation_position ON message (conversation_id, position);
CREATE INDEX message_status ON message (status);
