// Package attributes checks the rules of customer document attributes (the document_attribute
// dictionary) and validates document data against them.
package attributes

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Type is an attribute's value type.
type Type string

const (
	Text   Type = "text"
	Int    Type = "int"
	Double Type = "double"
	Date   Type = "date"
	Bool   Type = "bool"
)

// Rule is one attribute of a document type with its constraints. Empty Min/Max/Regex and a nil
// Range mean no such constraint.
type Rule struct {
	Name          string
	Description   string
	Required      bool
	Type          Type
	Min, Max      string
	Range         []string
	InvertedRange bool
	Regex         string
}

// Problem names an attribute whose value breaks a rule.
type Problem struct {
	Attribute string
	Message   string
}

const dateLayout = "2006-01-02"

// Messages for a value that does not parse as its type (text always parses).
var typeMessage = map[Type]string{
	Int:    "must be a whole number",
	Double: "must be a number such as 12.5",
	Date:   "must be a date YYYY-MM-DD",
	Bool:   "must be true or false",
}

// Other messages shown to back-office users.
const (
	msgRequired     = "is required"
	msgUnknown      = "is not an attribute of this document type"
	msgNoMatch      = "does not match the required format"
	msgBadRegexRule = "has an invalid format rule"
	msgBadTypeRule  = "has an unknown value type"
	msgBadMinRule   = "has an invalid minimum rule"
	msgBadMaxRule   = "has an invalid maximum rule"
	msgBadRangeRule = "has an invalid list of allowed values"
)

// CheckRule verifies that a rule itself is well-formed before it is stored: a known type; Min,
// Max and every Range value parse as the type (for text, Min/Max must be whole numbers ≥ 0);
// Min ≤ Max; the Regex compiles; a bool attribute has no Min/Max. It returns every problem found
// (Attribute "min", "max", "range", "regex", "type").
func CheckRule(r Rule) []Problem {
	var out []Problem
	add := func(attr, msg string) { out = append(out, Problem{attr, msg}) }

	if !known(r.Type) {
		// Bounds and range cannot be parsed without a type.
		add("type", fmt.Sprintf("unknown type %q, use text, int, double, date or bool", r.Type))
	} else {
		checkValues(r, add)
	}
	if r.Regex != "" {
		if _, err := compileFull(r.Regex); err != nil {
			add("regex", "is not a valid regular expression")
		}
	}
	return out
}

// checkValues reports Min, Max and Range values of a rule with a known type that do not parse.
func checkValues(r Rule, add func(attr, msg string)) {
	bounds := make(map[string]any, 2)
	for _, b := range []struct{ attr, s string }{{"min", r.Min}, {"max", r.Max}} {
		switch {
		case b.s == "":
		case r.Type == Bool:
			add(b.attr, "is not allowed for a bool attribute")
		case r.Type == Text:
			if v, ok := parseBound(Text, b.s); ok {
				bounds[b.attr] = v
			} else {
				add(b.attr, "must be a whole number of characters, 0 or more")
			}
		default:
			if v, ok := parse(r.Type, b.s); ok {
				bounds[b.attr] = v
			} else {
				add(b.attr, typeMessage[r.Type])
			}
		}
	}
	if lo, ok := bounds["min"]; ok {
		if hi, ok := bounds["max"]; ok && compare(lo, hi) > 0 {
			add("min", "must not be greater than max")
		}
	}

	for _, s := range r.Range {
		if _, ok := parse(r.Type, s); !ok {
			add("range", fmt.Sprintf("%q %s", s, typeMessage[r.Type]))
		}
	}
}

// Validate checks document data (attribute name → value as text; an absent key or an empty string
// is a missing value) against the rules. It returns every problem, in rule order:
// a required attribute missing; a value that does not parse as its type; below Min or above Max;
// in or out of Range per InvertedRange; not matching Regex; and a data key that no rule names
// ("unknown attribute"). Optional missing values are fine.
func Validate(rules []Rule, data map[string]string) []Problem {
	var out []Problem
	named := make(map[string]bool, len(rules))
	for _, r := range rules {
		named[r.Name] = true
		for _, msg := range check(r, data[r.Name]) {
			out = append(out, Problem{r.Name, msg})
		}
	}

	var unknown []string
	for k := range data {
		if !named[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown) // map order is random; keep the output stable
	for _, k := range unknown {
		out = append(out, Problem{k, msgUnknown})
	}
	return out
}

// check returns the messages for one attribute's value. Rules stored before CheckRule existed may
// be broken; such a rule is reported on the attribute instead of being skipped silently.
func check(r Rule, s string) []string {
	if s == "" {
		if r.Required {
			return []string{msgRequired}
		}
		return nil
	}
	if !known(r.Type) {
		return []string{msgBadTypeRule}
	}
	v, ok := parse(r.Type, s)
	if !ok {
		// Bounds, range and format say nothing useful about a value of the wrong type.
		return []string{typeMessage[r.Type]}
	}

	var msgs []string
	// For text the bounds limit the length in characters, not bytes.
	size, unit := v, ""
	if r.Type == Text {
		size, unit = int64(utf8.RuneCountInString(s)), " characters"
	}
	if r.Min != "" {
		if lo, ok := parseBound(r.Type, r.Min); !ok {
			msgs = append(msgs, msgBadMinRule)
		} else if compare(size, lo) < 0 {
			msgs = append(msgs, "must be at least "+r.Min+unit)
		}
	}
	if r.Max != "" {
		if hi, ok := parseBound(r.Type, r.Max); !ok {
			msgs = append(msgs, msgBadMaxRule)
		} else if compare(size, hi) > 0 {
			msgs = append(msgs, "must be at most "+r.Max+unit)
		}
	}

	// An empty (even non-nil) range is treated as no constraint rather than "nothing allowed".
	if len(r.Range) > 0 {
		in, broken := false, false
		for _, item := range r.Range {
			w, ok := parse(r.Type, item)
			broken = broken || !ok
			in = in || (ok && compare(v, w) == 0)
		}
		list := strings.Join(r.Range, ", ")
		switch {
		case broken:
			msgs = append(msgs, msgBadRangeRule)
		case r.InvertedRange && in:
			msgs = append(msgs, "must not be one of "+list)
		case !r.InvertedRange && !in:
			msgs = append(msgs, "must be one of "+list)
		}
	}

	if r.Regex != "" {
		// Compiled once per rule per Validate call.
		if re, err := compileFull(r.Regex); err != nil {
			msgs = append(msgs, msgBadRegexRule)
		} else if !re.MatchString(s) {
			msgs = append(msgs, msgNoMatch)
		}
	}
	return msgs
}

func known(t Type) bool {
	switch t {
	case Text, Int, Double, Date, Bool:
		return true
	}
	return false
}

// compileFull compiles pattern so that it must match the whole value. The bare pattern is
// compiled first: a broken one such as `a)|(b` would otherwise compile once wrapped.
func compileFull(pattern string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + pattern + `)$`)
}

// parse converts s to a value of type t that compare understands:
// string, int64, float64, time.Time or bool.
func parse(t Type, s string) (any, bool) {
	switch t {
	case Text:
		return s, true
	case Int:
		n, err := strconv.ParseInt(s, 10, 64) // base 10 refuses "0x1F" and "1_000"
		return n, err == nil
	case Double:
		if !plainDecimal(s) {
			return nil, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	case Date:
		d, err := time.Parse(dateLayout, s)
		return d, err == nil
	case Bool:
		switch s {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return nil, false
}

// parseBound parses Min or Max: a length in characters for text; bool has no bounds.
func parseBound(t Type, s string) (any, bool) {
	switch t {
	case Text:
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0
	case Bool:
		return nil, false
	}
	return parse(t, s)
}

// plainDecimal accepts an optional sign, digits and at most one decimal point, so that
// ParseFloat never sees "NaN", "Inf", hex or exponent forms.
func plainDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, points := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1
}

// compare orders two values of the same dynamic type returned by parse or parseBound.
func compare(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmp.Compare(a, b.(int64))
	case float64:
		return cmp.Compare(a, b.(float64))
	case time.Time:
		return a.Compare(b.(time.Time))
	case string:
		return strings.Compare(a, b.(string))
	case bool:
		if a == b.(bool) {
			return 0
		}
		if !a {
			return -1
		}
		return 1
	}
	return 0
}
