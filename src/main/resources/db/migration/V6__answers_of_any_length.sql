-- An answer's length is the model's to choose: the 1,000,000-character limit made the last save of a longer answer
-- fail, so it was not stored whole. VARCHAR without a length is the largest each database has: unlimited on
-- PostgreSQL (a varchar(n) to varchar change rewrites nothing there), 1,000,000,000 characters on H2.
ALTER TABLE message ALTER COLUMN content SET DATA TYPE VARCHAR;
