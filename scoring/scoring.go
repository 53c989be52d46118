// Package scoring is the rule engine that scores loan applications.
//
// A scoring schema is a list of rule steps, each a boolean expr-lang
// (github.com/expr-lang/expr) expression over an env with the keys
// "application" and "customer" (each a map[string]any). Evaluate runs them:
//
//   - Steps run in OrderNo order (ties by ID). Each expression must yield a bool.
//   - A blocking step whose expression is false stops the run: DENY, with the
//     rule's DenialReason (or its Description when that is empty).
//   - An allowing step whose expression is true stops the run: APPROVE.
//   - Otherwise the step is recorded (Recommendation = the rule's
//     Recommendation, or UNDEFINED) and the next step runs.
//   - When every step ran without deciding: APPROVE. No rules: APPROVE, no tasks.
//   - An expression that fails to compile or evaluate, or is not boolean,
//     stops the run: TECH_FAULT, the error recorded on that step's task (whose
//     Recommendation is TECH_FAULT). Callers retry or escalate; it is not a denial.
//   - An env without "application" and "customer" maps, when there are rules to
//     run, gives VALIDATION_ERROR with the problem in DenialReason and no tasks.
//
// Expressions are type-checked against the shape of the actual env (its keys
// and value types, nested maps included), so a reference to a missing field is
// a compile error (TECH_FAULT), never a silent false. Compiled programs are
// cached by expression text plus env shape.
//
// Check validates a rule when it is stored: syntax and a boolean result type.
// It has no env, so it cannot know which fields exist; Evaluate catches those.
package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

// Rule is one ordered step of a scoring schema.
type Rule struct {
	ID             int64
	OrderNo        int
	Expression     string // boolean expr-lang expression, e.g. `application.loanAmount <= 300000 && customer.age >= 18`
	Description    string
	Blocking       bool   // when the expression is false the application is denied at this step
	Allowing       bool   // when the expression is true the application is approved at this step
	DenialReason   string // reason recorded when this step denies
	Recommendation string // recommendation recorded when the step passes (e.g. "GOOD", "MEDIUM"); may be empty
}

// Recommendation values (the platform's finalRecommendation enum).
const (
	Approve         = "APPROVE"
	Deny            = "DENY"
	Undefined       = "UNDEFINED"
	ValidationError = "VALIDATION_ERROR"
	TechFault       = "TECH_FAULT"
	Medium          = "MEDIUM"
	Good            = "GOOD"
)

// RuleTask is the outcome of one step that ran.
type RuleTask struct {
	RuleID             int64
	OrderNo            int
	Passed             bool   // the expression's value
	Recommendation     string // APPROVE / DENY for a deciding step, else the rule's Recommendation (or UNDEFINED when empty)
	Error              string // evaluation error, when any
	StartedAt, EndedAt time.Time
}

// Result is a scoring: the final recommendation, the denial reason when denied, and every step that ran.
type Result struct {
	FinalRecommendation string // APPROVE, DENY or TECH_FAULT (or VALIDATION_ERROR, see the package doc)
	DenialReason        string
	Tasks               []RuleTask
}

// Check compiles an expression against the environment shape and reports whether it is a valid
// boolean rule; used when rules are stored or changed, so a bad rule is refused up front.
func Check(expression string) error {
	// No env here: unknown names are allowed (typed as any), but syntax
	// errors and non-bool results such as `1 + 2` are still rejected.
	_, err := expr.Compile(expression, expr.AllowUndefinedVariables(), expr.AsBool())
	return err
}

// programs caches compiled programs by env shape + expression text. The shape
// is part of the key because a program is type-checked (and its opcodes
// specialised) against the field set and types it was compiled with.
var programs sync.Map // string -> *vm.Program

// Evaluate runs rules in OrderNo order (ties by ID) against env (map with keys "application" and
// "customer", each a map[string]any) and returns the result. It never panics.
func Evaluate(rules []Rule, env map[string]any, now func() time.Time) (res Result) {
	if len(rules) == 0 {
		return Result{FinalRecommendation: Approve}
	}
	if now == nil {
		now = time.Now
	}
	// Last line of defence: a panic anywhere (expr, a caller's clock) is a technical fault.
	defer func() {
		if r := recover(); r != nil {
			res.FinalRecommendation = TechFault
			res.DenialReason = ""
			if n := len(res.Tasks); n > 0 && res.Tasks[n-1].Error == "" {
				res.Tasks[n-1].Error = fmt.Sprintf("panic: %v", r)
			}
		}
	}()
	if err := validateEnv(env); err != nil {
		return Result{FinalRecommendation: ValidationError, DenialReason: err.Error()}
	}

	// Sort a copy: the caller's slice stays untouched.
	ordered := slices.Clone(rules)
	slices.SortStableFunc(ordered, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(a.OrderNo, b.OrderNo), cmp.Compare(a.ID, b.ID))
	})

	shape, sig := shapeOf(env)
	res.Tasks = make([]RuleTask, 0, len(ordered))
	for _, r := range ordered {
		// Appended before running, so a panic is attributed to this step.
		res.Tasks = append(res.Tasks, RuleTask{RuleID: r.ID, OrderNo: r.OrderNo})
		t := &res.Tasks[len(res.Tasks)-1]
		t.StartedAt = now()
		passed, err := run(r.Expression, shape, sig, env)
		t.EndedAt = now()
		t.Passed = passed
		switch {
		case err != nil:
			t.Error = err.Error()
			t.Recommendation = TechFault
			res.FinalRecommendation = TechFault
		case r.Blocking && !passed:
			t.Recommendation = Deny
			res.FinalRecommendation = Deny
			res.DenialReason = cmp.Or(r.DenialReason, r.Description)
		case r.Allowing && passed:
			t.Recommendation = Approve
			res.FinalRecommendation = Approve
		default:
			t.Recommendation = cmp.Or(r.Recommendation, Undefined)
		}
		if res.FinalRecommendation != "" {
			return res
		}
	}
	res.FinalRecommendation = Approve
	return res
}

// run compiles (or reuses) the program for expression and evaluates it to a bool.
func run(expression string, shape types.Map, sig string, env map[string]any) (bool, error) {
	key := sig + "\x00" + expression
	p, ok := programs.Load(key)
	if !ok {
		// Strict typed env: a reference to a missing field fails here instead of reading nil.
		prog, err := expr.Compile(expression, expr.Env(shape), expr.AsBool())
		if err != nil {
			return false, err // not cached: failures are rare and end the run anyway
		}
		p, _ = programs.LoadOrStore(key, prog)
	}
	out, err := expr.Run(p.(*vm.Program), env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("expression result is %T, not bool", out)
	}
	return b, nil
}

func validateEnv(env map[string]any) error {
	var errs []error
	for _, k := range []string{"application", "customer"} {
		if _, ok := env[k].(map[string]any); !ok {
			errs = append(errs, fmt.Errorf("env %q must be a map[string]any, got %T", k, env[k]))
		}
	}
	return errors.Join(errs...)
}

// shapeOf describes m to the expr checker as strict maps (expr.Env on a plain
// map types nested maps as any, so unknown nested fields would pass), and
// returns a stable signature of that shape for the program cache key.
func shapeOf(m map[string]any) (types.Map, string) {
	var sb strings.Builder
	shape := writeShape(&sb, m)
	return shape, sb.String()
}

func writeShape(sb *strings.Builder, m map[string]any) types.Map {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	shape := make(types.Map, len(m))
	sb.WriteByte('{')
	for _, k := range keys {
		sb.WriteString(strconv.Quote(k)) // quoted so odd key names cannot make two shapes collide
		sb.WriteByte(':')
		if sub, ok := m[k].(map[string]any); ok {
			shape[k] = writeShape(sb, sub)
		} else {
			shape[k] = types.TypeOf(m[k])
			sb.WriteString(strconv.Quote(shape[k].String()))
		}
		sb.WriteByte(';')
	}
	sb.WriteByte('}')
	return shape
}
