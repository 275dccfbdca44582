-- A system prompt is bounded by the client frame's size (duplex.ws.max-frame-bytes), which an operator may raise:
-- with a longer one than 100,000 characters the message could not be stored. As V6 did for the messages' text.
ALTER TABLE conversation ALTER COLUMN system_prompt SET DATA TYPE VARCHAR;
