package main

import (
	"fmt"
	"testing"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/render"
	"github.com/bmrkit/bmrkit/xlsx"
)

// TestHints: the library's hints become the commands users run.
func TestHints(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&control.RefusalError{Hint: control.HintCheck, HintArg: "new.toml"}, ` (run "bmrkit check new.toml")`},
		{&control.RefusalError{Hint: control.HintInit, HintArg: "lib"}, ` (run "bmrkit library init lib")`},
		{&control.RefusalError{Hint: control.HintAdd}, ` (run "bmrkit library add")`},
		{&control.RefusalError{Hint: control.HintRegisterRepair}, ` (run "bmrkit register repair")`},
		{fmt.Errorf("x: %w", &control.RefusalError{Hint: control.HintRegisterVerify}), ` (run "bmrkit register verify")`},
		{fmt.Errorf("x: %w", render.ErrNotForm), ` (run "bmrkit render --mode fillable")`},
		{fmt.Errorf("x: %w", xlsx.ErrTemplateHasErrors), ` (run "bmrkit check")`},
		{&control.RefusalError{}, ``},
		{fmt.Errorf("plain"), ``},
	} {
		if got := hint(c.err); got != c.want {
			t.Errorf("hint(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
