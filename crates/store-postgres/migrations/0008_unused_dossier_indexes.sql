-- Listing an agency's whole archive by stage was served by two indexes
-- that nothing used any more (the back office's queue has its own partial
-- indexes over open work, the archive is found by code, name or CCCD).
DROP INDEX dossiers_by_receiving_unit;
DROP INDEX dossiers_by_deciding_agency;
-- A citizen's own dossiers: only dossiers filed from an account are listed
-- by it, so only they are indexed.
DROP INDEX dossiers_by_applicant;
CREATE INDEX dossiers_by_applicant ON dossiers (applicant_user, id) WHERE applicant_user IS NOT NULL;
