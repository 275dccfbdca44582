-- Which server streams an answer, so that on a cluster (several servers over one database) a server marks as
-- interrupted only the answers of servers that are gone: its own when it starts (it was stopped or killed), and
-- those of servers that stopped renewing their presence here. Before, every start marked every streaming answer,
-- the other servers' live ones included. An answer stored before this version has no server: it is marked.
ALTER TABLE message ADD COLUMN server_name VARCHAR(100);

CREATE TABLE duplex_server (
    name     VARCHAR(100) PRIMARY KEY,
    seen_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
