-- The logbook (Sổ theo dõi hồ sơ, TT 01/2018 form 06) lists the dossiers a
-- unit received in a period, in the order they came in: a range scan of
-- this index, a page at a time.
CREATE INDEX dossiers_by_entry ON dossiers(receiving_unit, entered_at, id);
