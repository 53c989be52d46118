-- +goose Up

-- Every application's files are read by application (the nested `files` of a page of applications).
CREATE INDEX application_files_application_idx ON application_files (application_id, id);

-- +goose Down
DROP INDEX application_files_application_idx;
