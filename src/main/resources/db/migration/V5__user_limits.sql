-- Limits an admin set for one owner, overriding duplex.limits.<name> from the configuration.
CREATE TABLE user_limit (
    owner_id    VARCHAR(100) NOT NULL,
    limit_name  VARCHAR(50)  NOT NULL,
    limit_value VARCHAR(50)  NOT NULL,
    PRIMARY KEY (owner_id, limit_name)
);
