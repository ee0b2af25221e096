package main

import (
	"os"
	"strconv"

	"github.com/bmrkit/bmrkit/internal/stress"
)

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	var b []byte
	switch os.Args[1] {
	case "nested":
		b = stress.NestedArrays(n)
	case "inline":
		b = stress.NestedInline(n)
	case "materials":
		b = stress.Materials(n)
	case "unknown":
		b = stress.UnknownKeys(n)
	case "history":
		b = stress.History(n)
	case "steps":
		b = stress.Steps(n)
	}
	os.Stdout.Write(b)
}
