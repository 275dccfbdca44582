-- Accounts (duplex.auth.mode=form) and their personal API tokens.
CREATE TABLE app_user (
    username      VARCHAR(64)  NOT NULL PRIMARY KEY,
    password_hash VARCHAR(400) NOT NULL,
    admin         BOOLEAN      NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_token (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    username   VARCHAR(64)  NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
    token_hash VARCHAR(64)  NOT NULL UNIQUE,
    label      VARCHAR(100) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX api_token_user ON api_token (username);
