// Package migrations holds the numbered SQL migrations, embedded in the binary and applied at start.
package migrations

import "embed"

// FS is every migration file, named NNNNN_what.sql in goose's format.
//
//go:embed *.sql
var FS embed.FS
