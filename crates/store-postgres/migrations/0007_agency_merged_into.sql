-- A unit merged into another in a reorganisation: it stays, with its
-- history, but receives and decides nothing more.
ALTER TABLE agencies ADD COLUMN merged_into uuid REFERENCES agencies (id);
