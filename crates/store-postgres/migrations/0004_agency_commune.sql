-- The commune an agency's office stands in (a code of the list of
-- administrative units in force), when known: the postal leg's route class
-- is counted from it.
ALTER TABLE agencies ADD COLUMN commune TEXT;
