-- A client resuming a generation whose replay buffer has expired gets the answer it produced from here.
CREATE INDEX message_generation ON message (generation_id);
