// Command buildlibrary builds the example library (examples/library):
// master MBR-PCM-500 in three revisions, every action signed with the
// public test keys of examples/library/test-keys, at the dates of a
// plausible history (the library never reads the clock: the program
// passes each action's time). It shows how a program embedding bmrkit
// signs with keys of its own.
//
//	go run ./examples/buildlibrary -keys examples/library/test-keys -revs examples/library/MBR-PCM-500 -o /tmp/library
//
// The revision files are added byte for byte, so their fingerprints are
// the ones the example library has always had.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bmrkit/bmrkit/bmr"
	"github.com/bmrkit/bmrkit/control"
)

func main() {
	keys := flag.String("keys", "examples/library/test-keys", "directory of the test keys")
	revs := flag.String("revs", "examples/library/MBR-PCM-500", "directory of rev-001.toml … rev-003.toml")
	out := flag.String("o", "", "directory of the new library (must not exist)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "buildlibrary: give -o DIR")
		os.Exit(2)
	}
	if err := build(*keys, *revs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "buildlibrary:", err)
		os.Exit(1)
	}
}

// signer is one person of the example.
type signer struct {
	id, name string
	roles    []string
}

var people = []signer{
	{"aauthor", "Ann Author", []string{"Author"}},
	{"qqa", "Quinn QA", []string{"QA"}},
	{"pprod", "Priya Prod", []string{"Production"}},
	{"iissuer", "Ida Issuer", []string{"QA"}},
	{"rrecon", "Rolf Reconciler", []string{"Warehouse"}},
}

func build(keyDir, revDir, out string) error {
	key := func(id string) (control.Signer, error) {
		b, err := os.ReadFile(filepath.Join(keyDir, id))
		if err != nil {
			return nil, err
		}
		return ssh.ParsePrivateKey(b)
	}
	cest, cet := time.FixedZone("CEST", 2*3600), time.FixedZone("CET", 3600)
	at := func(s string, z *time.Location) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, z)
		if err != nil {
			panic(err)
		}
		return t
	}
	actor := func(id string) control.Actor {
		k, err := key(id)
		if err != nil {
			panic(err)
		}
		return control.Actor{UserID: id, Key: k}
	}
	dana := actor("ddoc")
	dana.Name = "Dana Doc"
	lib, err := control.Init(out, control.InitRequest{Policy: bmr.DefaultPolicy(), By: dana, Time: at("2023-04-20 09:00", cest)})
	if err != nil {
		return err
	}
	for i, p := range people {
		a := actor(p.id)
		if _, err := lib.AddSigner(control.NewSigner{By: dana, Time: at("2023-04-20 09:00", cest).Add(time.Duration(i+1) * time.Minute),
			UserID: p.id, Name: p.name, Roles: p.roles, Key: a.Key.PublicKey(), Reason: "trained on SOP-DC-004 (electronic signatures)"}); err != nil {
			return err
		}
	}
	add := func(rev int, when time.Time, reason string) error {
		name := filepath.Join(revDir, control.RevisionFile(rev))
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		_, err = lib.Add(control.Addition{File: name, Source: src, By: actor("aauthor"), Time: when, Reason: reason})
		return err
	}
	approve := func(rev int, id, meaning string, when time.Time) error {
		return lib.Approve(control.Approval{Document: "MBR-PCM-500", Revision: rev, Meaning: meaning, By: actor(id), Time: when})
	}
	steps := []func() error{
		func() error { return add(1, at("2023-04-20 09:10", cest), "CC-2023-0088: first issue") },
		func() error { return approve(1, "aauthor", bmr.MeaningAuthored, at("2023-05-02 10:00", cest)) },
		func() error { return approve(1, "qqa", bmr.MeaningApproved, at("2023-05-08 14:30", cest)) },
		func() error { return add(2, at("2024-08-12 09:00", cest), "CC-2024-0311") },
		func() error { return approve(2, "aauthor", bmr.MeaningAuthored, at("2024-08-20 11:00", cest)) },
		func() error { return approve(2, "qqa", bmr.MeaningApproved, at("2024-08-27 15:00", cest)) },
		func() error { return add(3, at("2026-01-26 09:00", cet), "CC-2026-0142") },
		func() error { return approve(3, "aauthor", bmr.MeaningAuthored, at("2026-02-10 09:30", cet)) },
		func() error {
			return lib.Approve(control.Approval{Document: "MBR-PCM-500", Revision: 3, Meaning: bmr.MeaningReviewed, By: actor("pprod"), Time: at("2026-02-16 16:20", cet)})
		},
		func() error { return approve(3, "qqa", bmr.MeaningApproved, at("2026-02-20 14:05", cet)) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
