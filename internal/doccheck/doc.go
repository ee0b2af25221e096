// Package doccheck holds the test that every exported identifier of the
// module's packages is documented: its test walks the source with go/ast,
// as "go doc" reads it. It has no code of its own.
package doccheck
