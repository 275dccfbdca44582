-- What each owner has used and has reserved (generations running now) per budget period: a UTC day
-- ("D2026-11-25") or month ("M2026-11"). A generation reserves its maximum before the call and settles with
-- the provider's real usage when it ends.
CREATE TABLE usage_budget (
    owner_id        VARCHAR(100)   NOT NULL,
    period          VARCHAR(16)    NOT NULL,
    used_tokens     BIGINT         NOT NULL,
    reserved_tokens BIGINT         NOT NULL,
    used_cost       NUMERIC(24, 10) NOT NULL,
    reserved_cost   NUMERIC(24, 10) NOT NULL,
    PRIMARY KEY (owner_id, period)
);
