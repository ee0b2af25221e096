package control

import (
	"strings"

	"github.com/bmrkit/bmrkit/storage"
	"github.com/bmrkit/bmrkit/storage/dirstore"
	"github.com/bmrkit/bmrkit/storage/pgstore"
)

// IsURL reports whether loc names a library in a PostgreSQL database
// (postgres:// or postgresql://) rather than a directory.
func IsURL(loc string) bool {
	return strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://")
}

// OpenStore returns the store at loc: a postgres:// or postgresql:// URL
// opens the PostgreSQL store (package pgstore; the database's schema is
// created by pgstore.Migrate, "bmrkit library init URL"), anything else
// is a library directory (package dirstore).
func OpenStore(loc string) (storage.Store, error) {
	if IsURL(loc) {
		return pgstore.Open(loc)
	}
	return dirstore.Open(loc), nil
}
