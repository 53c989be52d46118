// Command benchtable passes `go test -bench` output through and ends it with one table: a row per
// benchmark, a column per figure it reported (ns/op, req/s, p99_ms…). It exits non-zero when the
// run failed, so that `make bench` does.
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
)

func main() {
	var (
		names  []string
		units  []string
		values = map[string]map[string]string{}
		failed bool
		pkg    string
	)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		line := in.Text()
		fmt.Println(line)
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p[strings.LastIndex(p, "/")+1:]
		}
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL") {
			failed = true
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		// name, iterations, then value-unit pairs
		name := pkg + "." + strings.TrimPrefix(fields[0], "Benchmark")
		if _, ok := values[name]; !ok {
			names = append(names, name)
			values[name] = map[string]string{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			unit := fields[i+1]
			if !slices.Contains(units, unit) {
				units = append(units, unit)
			}
			values[name][unit] = fields[i]
		}
	}
	if len(names) > 0 {
		fmt.Println()
		w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "benchmark\t%s\t\n", strings.Join(units, "\t"))
		for _, name := range names {
			row := make([]string, len(units))
			for i, u := range units {
				row[i] = values[name][u]
				if row[i] == "" {
					row[i] = "-"
				}
			}
			fmt.Fprintf(w, "%s\t%s\t\n", name, strings.Join(row, "\t"))
		}
		w.Flush()
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}
