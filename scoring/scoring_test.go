package scoring

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testEnv is a realistic application + customer, freshly built so tests can mutate it.
func testEnv() map[string]any {
	return map[string]any{
		"application": map[string]any{
			"loanAmount":  250000.0,
			"loanTerm":    24,
			"downPayment": 50000.0,
			"cartTotal":   300000.0,
			"productCode": "PHONE-12",
			"mode":        "ONLINE",
		},
		"customer": map[string]any{
			"age":             35,
			"salary":          120000.0,
			"monthlyExpenses": 40000.0,
			"childrenNumber":  0,
			"hasPassport":     true,
			"phone":           "+79990001122",
		},
	}
}

// clock returns a fake now that ticks one second per call.
func clock() func() time.Time {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func orders(tasks []RuleTask) []int {
	out := make([]int, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, t.OrderNo)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	type want struct {
		final, reason string
		orders        []int    // OrderNo of the tasks that ran, in order
		recs          []string // task recommendations, when checked
		ids           []int64  // task rule IDs, when checked
		errContains   string   // on the last task
	}
	tests := []struct {
		name  string
		rules []Rule
		env   func(map[string]any) // optional env tweak
		want  want
	}{
		{
			name:  "no rules approves with no tasks",
			rules: nil,
			want:  want{final: Approve, orders: []int{}},
		},
		{
			name: "runs by OrderNo regardless of slice order, ties by ID",
			rules: []Rule{
				{ID: 30, OrderNo: 3, Expression: "true", Recommendation: Good},
				{ID: 21, OrderNo: 2, Expression: "true"},
				{ID: 10, OrderNo: 1, Expression: "true", Recommendation: Medium},
				{ID: 20, OrderNo: 2, Expression: "true"},
			},
			want: want{final: Approve, orders: []int{1, 2, 2, 3}, ids: []int64{10, 20, 21, 30},
				recs: []string{Medium, Undefined, Undefined, Good}},
		},
		{
			name: "blocking false denies and stops later steps",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "customer.age >= 18", Blocking: true, DenialReason: "UNDERAGE", Recommendation: Good},
				{ID: 2, OrderNo: 2, Expression: "application.loanAmount <= 100000", Blocking: true, DenialReason: "AMOUNT_TOO_HIGH"},
				{ID: 3, OrderNo: 3, Expression: "true", Allowing: true},
			},
			want: want{final: Deny, reason: "AMOUNT_TOO_HIGH", orders: []int{1, 2}, recs: []string{Good, Deny}},
		},
		{
			name: "denial reason falls back to description",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "customer.hasPassport == false", Blocking: true, Description: "passport required"},
			},
			want: want{final: Deny, reason: "passport required", orders: []int{1}, recs: []string{Deny}},
		},
		{
			name: "blocking true passes through",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "customer.age >= 18", Blocking: true, DenialReason: "UNDERAGE"},
			},
			want: want{final: Approve, orders: []int{1}, recs: []string{Undefined}},
		},
		{
			name: "allowing true approves and stops later steps",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: `application.mode == "ONLINE"`, Allowing: true},
				{ID: 2, OrderNo: 2, Expression: "false", Blocking: true, DenialReason: "never reached"},
			},
			want: want{final: Approve, orders: []int{1}, recs: []string{Approve}},
		},
		{
			name: "allowing false continues",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: `application.mode == "SHOP"`, Allowing: true, Recommendation: Medium},
				{ID: 2, OrderNo: 2, Expression: "false", Blocking: true, DenialReason: "STOP"},
			},
			want: want{final: Deny, reason: "STOP", orders: []int{1, 2}, recs: []string{Medium, Deny}},
		},
		{
			name: "blocking and allowing on one step",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "customer.salary - customer.monthlyExpenses > 50000", Blocking: true, Allowing: true},
				{ID: 2, OrderNo: 2, Expression: "false", Blocking: true},
			},
			want: want{final: Approve, orders: []int{1}, recs: []string{Approve}},
		},
		{
			name: "pass-through approves and records recommendations",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "application.loanAmount <= 300000 && customer.age >= 18", Blocking: true, Recommendation: Good},
				{ID: 2, OrderNo: 2, Expression: "application.downPayment / application.cartTotal > 0.5", Recommendation: Medium},
				{ID: 3, OrderNo: 3, Expression: "application.loanTerm in [12, 24, 36]"},
			},
			want: want{final: Approve, orders: []int{1, 2, 3}, recs: []string{Good, Medium, Undefined}},
		},
		{
			name: "builtins len, in, matches",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: `len(customer.phone) == 12`, Blocking: true},
				{ID: 2, OrderNo: 2, Expression: `application.mode in ["ONLINE", "SHOP"]`, Blocking: true},
				{ID: 3, OrderNo: 3, Expression: `customer.phone matches "^\\+7\\d{10}$"`, Blocking: true},
				{ID: 4, OrderNo: 4, Expression: `application.productCode startsWith "PHONE" and customer.childrenNumber < 3`, Blocking: true},
			},
			want: want{final: Approve, orders: []int{1, 2, 3, 4}},
		},
		{
			name: "unknown field is a tech fault, not false",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "true"},
				{ID: 2, OrderNo: 2, Expression: "application.creditScore > 600", Blocking: true},
				{ID: 3, OrderNo: 3, Expression: "true"},
			},
			want: want{final: TechFault, orders: []int{1, 2}, recs: []string{Undefined, TechFault}, errContains: "creditScore"},
		},
		{
			name: "unknown field alone (would read nil as false) is a tech fault",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "customer.isVip", Allowing: true},
			},
			want: want{final: TechFault, orders: []int{1}, errContains: "isVip"},
		},
		{
			name:  "unknown variable is a tech fault",
			rules: []Rule{{ID: 1, OrderNo: 1, Expression: "bureau.score > 1", Blocking: true}},
			want:  want{final: TechFault, orders: []int{1}, errContains: "bureau"},
		},
		{
			name: "missing key in this env is a tech fault",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "customer.hasPassport", Blocking: true},
			},
			env:  func(e map[string]any) { delete(e["customer"].(map[string]any), "hasPassport") },
			want: want{final: TechFault, orders: []int{1}, errContains: "hasPassport"},
		},
		{
			name: "integer division by zero at runtime is a tech fault",
			rules: []Rule{
				{ID: 1, OrderNo: 1, Expression: "application.loanTerm % customer.childrenNumber == 0", Blocking: true},
				{ID: 2, OrderNo: 2, Expression: "true"},
			},
			want: want{final: TechFault, orders: []int{1}, errContains: "divide by zero"},
		},
		{
			name:  "non-bool result is a tech fault",
			rules: []Rule{{ID: 1, OrderNo: 1, Expression: "customer.age", Blocking: true}},
			want:  want{final: TechFault, orders: []int{1}, errContains: "bool"},
		},
		{
			name:  "type mismatch is a tech fault",
			rules: []Rule{{ID: 1, OrderNo: 1, Expression: "application.productCode > 5", Blocking: true}},
			want:  want{final: TechFault, orders: []int{1}, errContains: "invalid operation"},
		},
		{
			name:  "syntax error is a tech fault",
			rules: []Rule{{ID: 1, OrderNo: 1, Expression: "application.loanAmount <=", Blocking: true}},
			want:  want{final: TechFault, orders: []int{1}, errContains: "unexpected token"},
		},
		{
			name:  "empty expression is a tech fault",
			rules: []Rule{{ID: 1, OrderNo: 1, Expression: "", Blocking: true}},
			want:  want{final: TechFault, orders: []int{1}},
		},
		{
			name:  "env without customer map is a validation error",
			rules: []Rule{{ID: 1, OrderNo: 1, Expression: "true"}},
			env:   func(e map[string]any) { delete(e, "customer") },
			want:  want{final: ValidationError, reason: `"customer"`, orders: []int{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testEnv()
			if tc.env != nil {
				tc.env(env)
			}
			got := Evaluate(tc.rules, env, clock())

			assert.Equal(t, tc.want.final, got.FinalRecommendation)
			if tc.want.final == ValidationError {
				assert.Contains(t, got.DenialReason, tc.want.reason)
			} else {
				assert.Equal(t, tc.want.reason, got.DenialReason)
			}
			assert.Equal(t, tc.want.orders, orders(got.Tasks))
			if tc.want.recs != nil {
				recs := make([]string, len(got.Tasks))
				for i, task := range got.Tasks {
					recs[i] = task.Recommendation
				}
				assert.Equal(t, tc.want.recs, recs)
			}
			if tc.want.ids != nil {
				ids := make([]int64, len(got.Tasks))
				for i, task := range got.Tasks {
					ids[i] = task.RuleID
				}
				assert.Equal(t, tc.want.ids, ids)
			}
			for i, task := range got.Tasks {
				assert.True(t, task.EndedAt.After(task.StartedAt), "task %d timestamps", i)
				if tc.want.final == TechFault && i == len(got.Tasks)-1 {
					assert.NotEmpty(t, task.Error)
					assert.Contains(t, task.Error, tc.want.errContains)
					assert.False(t, task.Passed)
				} else {
					assert.Empty(t, task.Error, "task %d", i)
				}
			}
		})
	}
}

func TestEvaluatePassedFlag(t *testing.T) {
	rules := []Rule{
		{ID: 1, OrderNo: 1, Expression: "customer.age > 100"},
		{ID: 2, OrderNo: 2, Expression: "customer.age > 18"},
	}
	got := Evaluate(rules, testEnv(), nil) // nil clock falls back to time.Now
	require.Len(t, got.Tasks, 2)
	assert.False(t, got.Tasks[0].Passed)
	assert.True(t, got.Tasks[1].Passed)
	assert.Equal(t, Approve, got.FinalRecommendation)
	assert.False(t, got.Tasks[0].StartedAt.IsZero())
}

func TestEvaluateDoesNotReorderCallerSlice(t *testing.T) {
	rules := []Rule{{ID: 2, OrderNo: 2, Expression: "true"}, {ID: 1, OrderNo: 1, Expression: "true"}}
	Evaluate(rules, testEnv(), clock())
	assert.Equal(t, int64(2), rules[0].ID)
}

// The cache key includes the env shape: a program compiled for one shape must
// not be reused for another (a dropped field or a changed type).
func TestEvaluateCacheRespectsEnvShape(t *testing.T) {
	// A stale program would read the dropped field as nil, and nil != "" is true: a silent pass.
	rules := []Rule{{ID: 1, OrderNo: 1, Expression: `customer.phone != ""`, Blocking: true, DenialReason: "NO_PHONE"}}
	assert.Equal(t, Approve, Evaluate(rules, testEnv(), clock()).FinalRecommendation)
	env := testEnv()
	delete(env["customer"].(map[string]any), "phone")
	got := Evaluate(rules, env, clock())
	assert.Equal(t, TechFault, got.FinalRecommendation)
	require.Len(t, got.Tasks, 1)
	assert.Contains(t, got.Tasks[0].Error, "unknown field phone")

	// A program type-checked for an int field must not be reused when the field is a float64.
	rules = []Rule{{ID: 1, OrderNo: 1, Expression: "customer.childrenNumber == 3"}}
	got = Evaluate(rules, testEnv(), clock())
	require.Len(t, got.Tasks, 1)
	assert.False(t, got.Tasks[0].Passed)
	env = testEnv()
	env["customer"].(map[string]any)["childrenNumber"] = 3.0
	got = Evaluate(rules, env, clock())
	assert.Equal(t, Approve, got.FinalRecommendation)
	require.Len(t, got.Tasks, 1)
	assert.Empty(t, got.Tasks[0].Error)
	assert.True(t, got.Tasks[0].Passed)
}

func TestEvaluateCachesPrograms(t *testing.T) {
	programs.Clear()
	rules := benchRules()
	Evaluate(rules, testEnv(), clock())
	n := cacheLen()
	assert.Equal(t, len(rules), n)
	Evaluate(rules, testEnv(), clock())
	assert.Equal(t, n, cacheLen(), "second run must not compile again")
}

func TestEvaluateConcurrent(t *testing.T) {
	rules := benchRules()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				assert.Equal(t, Approve, Evaluate(rules, testEnv(), time.Now).FinalRecommendation)
			}
		})
	}
	wg.Wait()
}

func TestCheck(t *testing.T) {
	tests := []struct {
		expr    string
		wantErr string // empty: valid
	}{
		{expr: "application.loanAmount <= 300000 && customer.age >= 18"},
		{expr: `len(customer.phone) == 12 and application.mode in ["ONLINE", "SHOP"]`},
		{expr: `customer.phone matches "^\\+7"`},
		{expr: "customer.hasPassport"}, // unknown type without env: allowed, checked at evaluation
		{expr: "true"},
		{expr: "application.loanAmount <=", wantErr: "unexpected token"},
		{expr: "1 + 2", wantErr: "expected bool"},
		{expr: `"yes"`, wantErr: "expected bool"},
		{expr: "", wantErr: "unexpected token"},
		{expr: "customer.age >= (18", wantErr: "unexpected token"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			err := Check(tc.expr)
			if tc.wantErr == "" {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			}
		})
	}
}

func cacheLen() int {
	n := 0
	programs.Range(func(_, _ any) bool { n++; return true })
	return n
}

// benchRules is a realistic 10-step schema that runs to the end (APPROVE).
func benchRules() []Rule {
	exprs := []string{
		"customer.age >= 18 && customer.age <= 70",
		"customer.hasPassport",
		"application.loanAmount <= 300000",
		"application.loanTerm in [6, 12, 24, 36]",
		"application.downPayment >= application.cartTotal * 0.1",
		"customer.salary - customer.monthlyExpenses > application.loanAmount / application.loanTerm",
		"customer.childrenNumber < 5",
		`len(customer.phone) == 12 && customer.phone matches "^\\+7\\d{10}$"`,
		`application.mode in ["ONLINE", "SHOP"]`,
		`application.productCode startsWith "PHONE"`,
	}
	rules := make([]Rule, len(exprs))
	for i, e := range exprs {
		rules[i] = Rule{ID: int64(i + 1), OrderNo: i + 1, Expression: e, Blocking: true,
			DenialReason: fmt.Sprintf("RULE_%d", i+1), Recommendation: Good}
	}
	return rules
}

// BenchmarkEvaluate runs a 10-step schema; "compile-each-time" empties the
// cache before every run to show what the program cache saves.
func BenchmarkEvaluate(b *testing.B) {
	rules, env := benchRules(), testEnv()
	if got := Evaluate(rules, env, time.Now); got.FinalRecommendation != Approve {
		b.Fatalf("bench schema must run all steps: %+v", got)
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Evaluate(rules, env, time.Now)
		}
	})
	b.Run("compile-each-time", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			programs.Clear()
			Evaluate(rules, env, time.Now)
		}
	})
}
