package attributes

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestValidateOneRule checks each rule of each type on a single attribute named "a".
func TestValidateOneRule(t *testing.T) {
	text := func(r Rule) Rule { r.Name, r.Type = "a", Text; return r }
	integer := func(r Rule) Rule { r.Name, r.Type = "a", Int; return r }
	double := func(r Rule) Rule { r.Name, r.Type = "a", Double; return r }
	date := func(r Rule) Rule { r.Name, r.Type = "a", Date; return r }
	boolean := func(r Rule) Rule { r.Name, r.Type = "a", Bool; return r }

	tests := []struct {
		name   string
		rule   Rule
		value  string
		absent bool // leave the key out of the data
		want   []string
	}{
		// required and optional
		{"required absent", text(Rule{Required: true}), "", true, []string{"is required"}},
		{"required empty", integer(Rule{Required: true}), "", false, []string{"is required"}},
		{"optional absent", date(Rule{Min: "2000-01-01"}), "", true, nil},
		{"optional empty", integer(Rule{Min: "5", Regex: "[0-9]+"}), "", false, nil},
		{"required present", boolean(Rule{Required: true}), "false", false, nil},

		// int
		{"int ok", integer(Rule{}), "42", false, nil},
		{"int signed", integer(Rule{}), "-7", false, nil},
		{"int plus", integer(Rule{}), "+7", false, nil},
		{"int letters", integer(Rule{}), "12a", false, []string{"must be a whole number"}},
		{"int decimal", integer(Rule{}), "1.5", false, []string{"must be a whole number"}},
		{"int spaces", integer(Rule{}), " 12", false, []string{"must be a whole number"}},
		{"int hex", integer(Rule{}), "0x1F", false, []string{"must be a whole number"}},
		{"int underscore", integer(Rule{}), "1_000", false, []string{"must be a whole number"}},
		{"int overflow", integer(Rule{}), "99999999999999999999", false, []string{"must be a whole number"}},
		{"int parse failure skips other checks", integer(Rule{Min: "2", Range: []string{"3"}, Regex: "x"}), "x", false,
			[]string{"must be a whole number"}},
		{"int min ok", integer(Rule{Min: "2", Max: "200"}), "2", false, nil},
		{"int max ok", integer(Rule{Min: "2", Max: "200"}), "200", false, nil},
		{"int below min", integer(Rule{Min: "2", Max: "200"}), "1", false, []string{"must be at least 2"}},
		{"int above max", integer(Rule{Min: "2", Max: "200"}), "201", false, []string{"must be at most 200"}},
		{"int min compares numbers", integer(Rule{Min: "9"}), "10", false, nil},
		{"int in range", integer(Rule{Range: []string{"2", "4", "8"}}), "4", false, nil},
		{"int in range normalised", integer(Rule{Range: []string{"2", "4", "8"}}), "08", false, nil},
		{"int not in range", integer(Rule{Range: []string{"2", "4", "8"}}), "5", false, []string{"must be one of 2, 4, 8"}},
		{"int inverted range hit", integer(Rule{Range: []string{"0"}, InvertedRange: true}), "00", false,
			[]string{"must not be one of 0"}},
		{"int inverted range miss", integer(Rule{Range: []string{"0"}, InvertedRange: true}), "1", false, nil},

		// double
		{"double ok", double(Rule{}), "12.5", false, nil},
		{"double whole", double(Rule{}), "-3", false, nil},
		{"double comma", double(Rule{}), "12,5", false, []string{"must be a number such as 12.5"}},
		{"double NaN", double(Rule{}), "NaN", false, []string{"must be a number such as 12.5"}},
		{"double Inf", double(Rule{}), "Inf", false, []string{"must be a number such as 12.5"}},
		{"double exponent", double(Rule{}), "1e3", false, []string{"must be a number such as 12.5"}},
		{"double hex", double(Rule{}), "0x1p-2", false, []string{"must be a number such as 12.5"}},
		{"double two points", double(Rule{}), "1.2.3", false, []string{"must be a number such as 12.5"}},
		{"double sign only", double(Rule{}), "-", false, []string{"must be a number such as 12.5"}},
		{"double point only", double(Rule{}), ".", false, []string{"must be a number such as 12.5"}},
		{"double below min", double(Rule{Min: "0.5", Max: "99.9"}), "0.49", false, []string{"must be at least 0.5"}},
		{"double above max", double(Rule{Min: "0.5", Max: "99.9"}), "100", false, []string{"must be at most 99.9"}},
		{"double bounds inclusive", double(Rule{Min: "0.5", Max: "99.9"}), "0.50", false, nil},
		{"double range normalised", double(Rule{Range: []string{"1.5", "2"}}), "2.0", false, nil},
		{"double not in range", double(Rule{Range: []string{"1.5", "2"}}), "2.5", false, []string{"must be one of 1.5, 2"}},

		// date
		{"date ok", date(Rule{}), "2024-02-29", false, nil},
		{"date wrong order", date(Rule{}), "29.02.2024", false, []string{"must be a date YYYY-MM-DD"}},
		{"date no leading zero", date(Rule{}), "2024-2-9", false, []string{"must be a date YYYY-MM-DD"}},
		{"date impossible day", date(Rule{}), "2023-02-29", false, []string{"must be a date YYYY-MM-DD"}},
		{"date with time", date(Rule{}), "2024-01-01T00:00:00Z", false, []string{"must be a date YYYY-MM-DD"}},
		{"date below min", date(Rule{Min: "2000-01-01", Max: "2050-01-01"}), "1999-12-31", false,
			[]string{"must be at least 2000-01-01"}},
		{"date above max", date(Rule{Min: "2000-01-01", Max: "2050-01-01"}), "2050-01-02", false,
			[]string{"must be at most 2050-01-01"}},
		{"date on bounds", date(Rule{Min: "2000-01-01", Max: "2000-01-01"}), "2000-01-01", false, nil},
		{"date in range", date(Rule{Range: []string{"2020-01-01", "2021-01-01"}}), "2021-01-01", false, nil},
		{"date not in range", date(Rule{Range: []string{"2020-01-01"}}), "2020-01-02", false,
			[]string{"must be one of 2020-01-01"}},
		{"date inverted range", date(Rule{Range: []string{"1900-01-01"}, InvertedRange: true}), "1900-01-01", false,
			[]string{"must not be one of 1900-01-01"}},

		// bool
		{"bool true", boolean(Rule{}), "true", false, nil},
		{"bool capital", boolean(Rule{}), "True", false, []string{"must be true or false"}},
		{"bool digit", boolean(Rule{}), "1", false, []string{"must be true or false"}},
		{"bool in range", boolean(Rule{Range: []string{"true"}}), "true", false, nil},
		{"bool not in range", boolean(Rule{Range: []string{"true"}}), "false", false, []string{"must be one of true"}},

		// text
		{"text any", text(Rule{}), "Москва, ул. Ленина 1", false, nil},
		{"text too short", text(Rule{Min: "2", Max: "10"}), "a", false, []string{"must be at least 2 characters"}},
		{"text too long", text(Rule{Min: "2", Max: "10"}), "abcdefghijk", false, []string{"must be at most 10 characters"}},
		{"text length in runes", text(Rule{Max: "6"}), "Москва", false, nil}, // 12 bytes, 6 runes
		{"text cyrillic too long", text(Rule{Max: "5"}), "Москва", false, []string{"must be at most 5 characters"}},
		{"text cyrillic too short", text(Rule{Min: "7"}), "Москва", false, []string{"must be at least 7 characters"}},
		{"text in range exact", text(Rule{Range: []string{"RU", "KZ"}}), "KZ", false, nil},
		{"text range is case sensitive", text(Rule{Range: []string{"RU", "KZ"}}), "ru", false,
			[]string{"must be one of RU, KZ"}},
		{"text inverted range", text(Rule{Range: []string{"000000"}, InvertedRange: true}), "000000", false,
			[]string{"must not be one of 000000"}},
		{"text empty range is no constraint", text(Rule{Range: []string{}}), "x", false, nil},

		// regex, always on the whole value
		{"regex match", text(Rule{Regex: "[0-9]{4}"}), "1234", false, nil},
		{"regex longer value", text(Rule{Regex: "[0-9]{4}"}), "12345", false, []string{"does not match the required format"}},
		{"regex prefix", text(Rule{Regex: "[0-9]{4}"}), "a1234", false, []string{"does not match the required format"}},
		{"regex alternation anchored", text(Rule{Regex: "a|ab"}), "ab", false, nil},
		{"regex alternation not partial", text(Rule{Regex: "ab|cd"}), "abcd", false, []string{"does not match the required format"}},
		{"regex on int", integer(Rule{Regex: "[0-9]{2}"}), "123", false, []string{"does not match the required format"}},

		// several problems on one attribute
		{"length and format", text(Rule{Max: "3", Regex: "[a-z]+"}), "ABCD", false,
			[]string{"must be at most 3 characters", "does not match the required format"}},

		// rules stored before CheckRule existed
		{"stored invalid regex", text(Rule{Regex: "[0-9"}), "1", false, []string{"has an invalid format rule"}},
		{"stored regex broken only once wrapped", text(Rule{Regex: "a)|(b"}), "a", false, []string{"has an invalid format rule"}},
		{"stored unknown type", Rule{Name: "a", Type: "money"}, "1", false, []string{"has an unknown value type"}},
		{"stored bad min", integer(Rule{Min: "two"}), "1", false, []string{"has an invalid minimum rule"}},
		{"stored bad max", text(Rule{Max: "-1"}), "1", false, []string{"has an invalid maximum rule"}},
		{"stored bool bounds", boolean(Rule{Min: "false"}), "true", false, []string{"has an invalid minimum rule"}},
		{"stored bad range", integer(Rule{Range: []string{"1", "x"}}), "1", false, []string{"has an invalid list of allowed values"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := map[string]string{}
			if !tt.absent {
				data["a"] = tt.value
			}
			var want []Problem
			for _, m := range tt.want {
				want = append(want, Problem{Attribute: "a", Message: m})
			}
			assert.Equal(t, want, Validate([]Rule{tt.rule}, data))
		})
	}
}

func TestValidateUnknownAndOrder(t *testing.T) {
	rules := []Rule{
		{Name: "zeta", Type: Int, Required: true},
		{Name: "alpha", Type: Text, Max: "2"},
		{Name: "mid", Type: Date},
	}
	data := map[string]string{
		"alpha": "abc",
		"mid":   "yesterday",
		"zz":    "1",
		"b":     "",
		"aa":    "x",
	}
	want := []Problem{
		{"zeta", "is required"},
		{"alpha", "must be at most 2 characters"},
		{"mid", "must be a date YYYY-MM-DD"},
		{"aa", "is not an attribute of this document type"},
		{"b", "is not an attribute of this document type"},
		{"zz", "is not an attribute of this document type"},
	}
	for range 20 { // map iteration is random; the output must not be
		assert.Equal(t, want, Validate(rules, data))
	}

	assert.Nil(t, Validate(nil, nil))
	assert.Equal(t, []Problem{{"x", "is not an attribute of this document type"}},
		Validate(nil, map[string]string{"x": "1"}))
}

func TestValidatePassport(t *testing.T) {
	passport := []Rule{
		{Name: "series", Description: "Серия", Type: Text, Required: true, Regex: "[0-9]{4}"},
		{Name: "number", Description: "Номер", Type: Text, Required: true, Regex: "[0-9]{6}",
			Range: []string{"000000"}, InvertedRange: true},
		{Name: "issue_date", Description: "Дата выдачи", Type: Date, Required: true, Min: "1997-10-01"},
		{Name: "expiration_date", Description: "Действителен до", Type: Date},
		{Name: "authority_code", Description: "Код подразделения", Type: Text, Regex: "[0-9]{3}-[0-9]{3}"},
	}
	for _, r := range passport {
		assert.Empty(t, CheckRule(r), r.Name)
	}

	tests := []struct {
		name string
		data map[string]string
		want []Problem
	}{
		{"full", map[string]string{
			"series": "4510", "number": "123456", "issue_date": "2015-06-01",
			"expiration_date": "2035-06-01", "authority_code": "770-001",
		}, nil},
		{"only required", map[string]string{"series": "4510", "number": "123456", "issue_date": "1997-10-01"}, nil},
		{"empty", map[string]string{}, []Problem{
			{"series", "is required"},
			{"number", "is required"},
			{"issue_date", "is required"},
		}},
		{"everything wrong", map[string]string{
			"series": "45 10", "number": "000000", "issue_date": "1990-01-01",
			"expiration_date": "01.01.2030", "authority_code": "770001", "birthplace": "Москва",
		}, []Problem{
			{"series", "does not match the required format"},
			{"number", "must not be one of 000000"},
			{"issue_date", "must be at least 1997-10-01"},
			{"expiration_date", "must be a date YYYY-MM-DD"},
			{"authority_code", "does not match the required format"},
			{"birthplace", "is not an attribute of this document type"},
		}},
		{"number too long", map[string]string{"series": "4510", "number": "1234567", "issue_date": "2015-06-01"},
			[]Problem{{"number", "does not match the required format"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Validate(passport, tt.data))
		})
	}
}

func TestCheckRule(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		want []Problem
	}{
		{"good int", Rule{Name: "n", Type: Int, Min: "2", Max: "200", Range: []string{"2", "08"}, Regex: "[0-9]+"}, nil},
		{"good double", Rule{Name: "n", Type: Double, Min: "-0.5", Max: "0.5", Range: []string{"0"}}, nil},
		{"good date", Rule{Name: "d", Type: Date, Min: "2000-01-01", Max: "2050-01-01"}, nil},
		{"good text", Rule{Name: "t", Type: Text, Min: "0", Max: "10", Range: []string{"anything", ""}}, nil},
		{"good bool", Rule{Name: "b", Type: Bool, Range: []string{"true"}}, nil},
		{"equal bounds", Rule{Name: "n", Type: Int, Min: "5", Max: "5"}, nil},

		{"unknown type", Rule{Name: "x", Type: "money", Min: "1"},
			[]Problem{{"type", `unknown type "money", use text, int, double, date or bool`}}},
		{"unknown type and bad regex", Rule{Name: "x", Type: "TEXT", Regex: "("}, []Problem{
			{"type", `unknown type "TEXT", use text, int, double, date or bool`},
			{"regex", "is not a valid regular expression"},
		}},
		{"empty type", Rule{Name: "x"},
			[]Problem{{"type", `unknown type "", use text, int, double, date or bool`}}},
		{"int min not parsing", Rule{Type: Int, Min: "1.5"}, []Problem{{"min", "must be a whole number"}}},
		{"double max not parsing", Rule{Type: Double, Max: "1e3"}, []Problem{{"max", "must be a number such as 12.5"}}},
		{"date min not parsing", Rule{Type: Date, Min: "01.01.2000"}, []Problem{{"min", "must be a date YYYY-MM-DD"}}},
		{"text min negative", Rule{Type: Text, Min: "-1"},
			[]Problem{{"min", "must be a whole number of characters, 0 or more"}}},
		{"text max not a number", Rule{Type: Text, Max: "ten"},
			[]Problem{{"max", "must be a whole number of characters, 0 or more"}}},
		{"int min above max", Rule{Type: Int, Min: "10", Max: "9"}, []Problem{{"min", "must not be greater than max"}}},
		{"date min above max", Rule{Type: Date, Min: "2050-01-01", Max: "2000-01-01"},
			[]Problem{{"min", "must not be greater than max"}}},
		{"text min above max", Rule{Type: Text, Min: "10", Max: "9"}, []Problem{{"min", "must not be greater than max"}}},
		{"bad range value", Rule{Type: Int, Range: []string{"1", "two", "3"}},
			[]Problem{{"range", `"two" must be a whole number`}}},
		{"bad bool range value", Rule{Type: Bool, Range: []string{"yes"}},
			[]Problem{{"range", `"yes" must be true or false`}}},
		{"bad regex", Rule{Type: Text, Regex: "[0-9"}, []Problem{{"regex", "is not a valid regular expression"}}},
		{"regex broken only once wrapped", Rule{Type: Text, Regex: "a)|(b"},
			[]Problem{{"regex", "is not a valid regular expression"}}},
		{"bool with bounds", Rule{Type: Bool, Min: "false", Max: "true"}, []Problem{
			{"min", "is not allowed for a bool attribute"},
			{"max", "is not allowed for a bool attribute"},
		}},
		{"everything wrong", Rule{Type: Int, Min: "x", Max: "y", Range: []string{"z"}, Regex: "("}, []Problem{
			{"min", "must be a whole number"},
			{"max", "must be a whole number"},
			{"range", `"z" must be a whole number`},
			{"regex", "is not a valid regular expression"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CheckRule(tt.rule))
		})
	}
}

// FuzzValidate checks that arbitrary rules and values never panic.
func FuzzValidate(f *testing.F) {
	f.Add("int", "2", "200", "8", "[0-9]+", "08")
	f.Add("text", "1", "x", "a", "a)|(b", "Москва")
	f.Add("bool", "false", "", "true", "", "true")
	f.Fuzz(func(t *testing.T, typ, lo, hi, item, regex, value string) {
		r := Rule{Name: "a", Type: Type(typ), Min: lo, Max: hi, Range: []string{item}, Regex: regex}
		CheckRule(r)
		Validate([]Rule{r}, map[string]string{"a": value, value: item})
	})
}
