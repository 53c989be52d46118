package app

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contexts is the README's table of who calls whom: each bounded context and the other contexts
// it may import. domain and the rule packages (store, billing, schedule…) are open to all.
var contexts = map[string][]string{
	"domain":         nil,
	"otp":            nil,
	"registry":       nil,
	"preconsumption": nil,
	"signin":         {"otp"},
	"loans":          {"registry"},
	"payments":       {"loans", "registry"},
	"applications":   {"otp", "registry", "loans", "payments"},
	"leads":          {"applications", "registry"},
	"customeroffers": {"loans", "registry"},
}

// TestContextsCallOneWay fails when a context's code imports a context the table does not give
// it, and so when an edge would point back (loans importing applications, say).
func TestContextsCallOneWay(t *testing.T) {
	for ctx, allowed := range contexts {
		imported := contextImports(t, filepath.Join("..", ctx))
		for _, other := range imported {
			assert.Truef(t, slices.Contains(allowed, other), "%s imports %s: add the edge to the README and this table, or call the other way", ctx, other)
		}
	}
	// the reader sees real edges, so an empty result above means no forbidden edge, not no reading
	assert.Equal(t, []string{"loans", "otp", "payments", "registry"}, contextImports(t, "../applications"))
}

// contextImports lists the contexts the non-test Go files of dir import.
func contextImports(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := strings.TrimPrefix(path, "lendgraph/")
			if _, isContext := contexts[name]; isContext && name != "domain" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}
