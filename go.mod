module github.com/bmrkit/bmrkit

go 1.26

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/go-fonts/dejavu v0.3.2 // indirect
)
