package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bmrkit/bmrkit/control"
	"github.com/bmrkit/bmrkit/formprint"
	"github.com/bmrkit/bmrkit/render"
	"github.com/bmrkit/bmrkit/storage/pgstore"
	"github.com/bmrkit/bmrkit/xlsx"
)

// hintCommands are the commands that carry out control's hints; %s is
// the hint's argument.
var hintCommands = map[control.Hint]string{
	control.HintCheck:          "bmrkit check %s",
	control.HintApprove:        "bmrkit approve",
	control.HintAdd:            "bmrkit library add",
	control.HintInit:           "bmrkit library init %s",
	control.HintSignerAdd:      "bmrkit library signer add",
	control.HintAuditVerify:    "bmrkit audit verify",
	control.HintRegisterVerify: "bmrkit register verify",
	control.HintRegisterRepair: "bmrkit register repair",
}

// hint is what the CLI adds to the message of err: the command that is
// the next step, as ` (run "bmrkit …")`, or "". The library's messages
// name no command (an embedding program's users have none); its hints
// and sentinel errors say which step is meant.
func hint(err error) string {
	cmd := ""
	var re *control.RefusalError
	var le *formprint.LogoError
	switch {
	case errors.As(err, &le) && le.Want == "":
		return " (leave out --logo)"
	case errors.As(err, &le):
		return " (give that file with --logo)"
	case errors.As(err, &re) && hintCommands[re.Hint] != "":
		cmd = hintCommands[re.Hint]
		if re.HintArg != "" {
			cmd = fmt.Sprintf(cmd, re.HintArg)
		} else {
			cmd = strings.TrimSuffix(cmd, " %s")
		}
	case errors.Is(err, render.ErrNotForm):
		cmd = "bmrkit render --mode fillable"
	case errors.Is(err, xlsx.ErrNotForm):
		cmd = "bmrkit xlsx import --map MAPPING"
	case errors.Is(err, xlsx.ErrTemplateHasErrors):
		cmd = "bmrkit check"
	case errors.Is(err, pgstore.ErrOldSchema):
		cmd = "bmrkit library init --migrate"
	case errors.Is(err, pgstore.ErrNoLibrary):
		cmd = "bmrkit library init"
	default:
		return ""
	}
	return ` (run "` + cmd + `")`
}
