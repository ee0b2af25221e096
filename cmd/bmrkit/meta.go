package main

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
)

// runVersion prints the module version and the VCS revision the binary
// was built from, as the Go toolchain recorded them.
func runVersion(e *env, args []string) int {
	fs := newFlags(e, "version", "[--json]")
	asJSON := fs.Bool("json", false, "print the version as JSON")
	_, ok := parseArgs(e, fs, args, 0, "version takes no arguments")
	if !ok {
		return exitUsage
	}
	v := buildVersion(debug.ReadBuildInfo())
	if *asJSON {
		writeJSON(e.stdout, v)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "bmrkit %s (%s)\n", v.Version, v.Module)
	if v.Revision != "" {
		rev := "revision " + v.Revision
		if v.Time != "" {
			rev += " of " + v.Time
		}
		if v.Modified {
			rev += ", with uncommitted changes"
		}
		fmt.Fprintln(e.stdout, rev)
	}
	fmt.Fprintln(e.stdout, "built with", v.Go)
	return exitOK
}

// versionInfo is what "bmrkit version" prints.
type versionInfo struct {
	Module   string `json:"module"`
	Version  string `json:"version"`            // "(devel)" for a build from a work tree
	Revision string `json:"revision,omitempty"` // VCS revision, when the build knows it
	Time     string `json:"time,omitempty"`     // commit time of the revision
	Modified bool   `json:"modified"`           // the work tree had uncommitted changes
	Go       string `json:"go"`                 // the Go version it was built with
}

func buildVersion(bi *debug.BuildInfo, ok bool) versionInfo {
	v := versionInfo{Module: "github.com/bmrkit/bmrkit", Version: "(unknown)", Go: "unknown"}
	if !ok || bi == nil {
		return v
	}
	v.Go = bi.GoVersion
	if bi.Main.Path != "" {
		v.Module = bi.Main.Path
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// runCompletion prints a completion script for bash, zsh or fish, made
// from the command registry and each command's flags.
func runCompletion(e *env, args []string) int {
	fs := newFlags(e, "completion", "bash|zsh|fish")
	pos, ok := parseArgs(e, fs, args, 1, "name the shell: bash, zsh or fish")
	if !ok {
		return exitUsage
	}
	switch pos[0] {
	case "bash":
		fmt.Fprint(e.stdout, bashCompletion())
	case "zsh":
		fmt.Fprint(e.stdout, "#compdef bmrkit\n# bmrkit completion for zsh: source it, or put it in a directory of $fpath as _bmrkit.\nautoload -U +X bashcompinit && bashcompinit\n"+bashCompletion())
	case "fish":
		fmt.Fprint(e.stdout, fishCompletion())
	default:
		return usageError(e.stderr, fs, "no completion for %q: use bash, zsh or fish", pos[0])
	}
	return exitOK
}

// completionTree maps a command prefix ("" for the first word, "library",
// "library signer") to the words that may follow it.
func completionTree() map[string][]string {
	next := map[string]map[string]bool{}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		for i := range words {
			prefix := strings.Join(words[:i], " ")
			if next[prefix] == nil {
				next[prefix] = map[string]bool{}
			}
			next[prefix][words[i]] = true
		}
	}
	out := map[string][]string{}
	for p, ws := range next {
		for w := range ws {
			out[p] = append(out[p], w)
		}
		sort.Strings(out[p])
	}
	out[""] = append(out[""], "help")
	sort.Strings(out[""])
	return out
}

// commandFlags returns the flags of a command, read from its help.
func commandFlags(c command) []string {
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb}
	runCommand(e, c, []string{"-h"})
	var flags []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "  -") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "  -"), " ")
			flags = append(flags, "--"+strings.TrimSpace(name))
		}
	}
	return flags
}

func bashCompletion() string {
	tree := completionTree()
	var b strings.Builder
	b.WriteString("# bmrkit completion for bash: source <(bmrkit completion bash)\n_bmrkit() {\n")
	b.WriteString("  local cur=${COMP_WORDS[COMP_CWORD]}\n  local words=\"${COMP_WORDS[*]:1:COMP_CWORD-1}\"\n  case \"$words\" in\n")
	prefixes := make([]string, 0, len(tree))
	for p := range tree {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		fmt.Fprintf(&b, "    %q) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", p, strings.Join(tree[p], " "))
	}
	fmt.Fprintf(&b, "    help|help\\ *) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", strings.Join(tree[""], " "))
	b.WriteString("  esac\n  if [[ $cur == -* ]]; then\n    case \"$words\" in\n")
	for _, c := range commands() {
		if fl := commandFlags(c); len(fl) > 0 {
			fmt.Fprintf(&b, "      %q*) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;\n", c.name, strings.Join(fl, " "))
		}
	}
	b.WriteString("    esac\n  fi\n  COMPREPLY=($(compgen -f -- \"$cur\"))\n}\ncomplete -o filenames -F _bmrkit bmrkit\n")
	return b.String()
}

func fishCompletion() string {
	tree := completionTree()
	var b strings.Builder
	b.WriteString("# bmrkit completion for fish: bmrkit completion fish | source\n")
	fmt.Fprintf(&b, "complete -c bmrkit -n __fish_use_subcommand -f -a %q\n", strings.Join(tree[""], " "))
	for _, c := range commands() {
		words := strings.Fields(c.name)
		cond := "__fish_seen_subcommand_from " + words[0]
		for _, w := range words[1:] {
			cond += "; and __fish_seen_subcommand_from " + w
		}
		if len(words) > 1 {
			parent := "__fish_seen_subcommand_from " + words[0]
			for _, w := range words[1 : len(words)-1] {
				parent += "; and __fish_seen_subcommand_from " + w
			}
			fmt.Fprintf(&b, "complete -c bmrkit -n %q -f -a %s\n", parent, words[len(words)-1])
		}
		for _, f := range commandFlags(c) {
			fmt.Fprintf(&b, "complete -c bmrkit -n %q -l %s\n", cond, strings.TrimPrefix(f, "--"))
		}
	}
	return b.String()
}

// suggest returns the command name closest to name, "" when none is
// close: at most two edits, and fewer than half of name's letters.
func suggest(name string) string {
	best, bestD := "", 3
	seen := map[string]bool{"help": true}
	cands := []string{"help"}
	for _, c := range commands() {
		for _, n := range []string{c.name, strings.Fields(c.name)[0]} {
			if !seen[n] {
				seen[n] = true
				cands = append(cands, n)
			}
		}
	}
	for _, c := range cands {
		if d := editDistance(name, c); d < bestD && 2*d < len(name) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
