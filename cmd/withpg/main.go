// Command withpg runs a command with a throwaway PostgreSQL cluster, passing its admin URL in
// TEST_DATABASE_URL, and removes the cluster afterwards: `withpg -- go test ./...`. When
// TEST_DATABASE_URL is already set it just runs the command.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"lendgraph/pgcluster"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withpg -- command [args...]")
		os.Exit(2)
	}
	code, err := run(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpg:", err)
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	// Ctrl-C reaches the command too; wait for it to end, then clean up.
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	ctx := context.Background()
	env := os.Environ()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		cluster, err := pgcluster.StartTemporary(ctx)
		if err != nil {
			return 1, err
		}
		defer cluster.Discard(ctx)
		env = append(env, "TEST_DATABASE_URL="+cluster.URL("postgres"))
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}
