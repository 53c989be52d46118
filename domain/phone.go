package domain

import "strings"

// NormalizePhone turns a Russian mobile number as people type it (+7 (901) 000-00-01, 89010000001,
// 79010000001) into the stored form: 11 digits starting with 7.
func NormalizePhone(raw string) (string, error) {
	var digits strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case strings.ContainsRune(" +-()", r):
		default:
			return "", Errorf(CodeInvalid, "phone number must contain only digits")
		}
	}
	d := digits.String()
	if len(d) == 11 && d[0] == '8' {
		d = "7" + d[1:]
	}
	if len(d) != 11 || d[0] != '7' {
		return "", Errorf(CodeInvalid, "phone number must have 11 digits and start with 7")
	}
	return d, nil
}

// MaskPhone hides the middle of a phone number for logs: 7901***0001.
func MaskPhone(phone string) string {
	if len(phone) < 8 {
		return "***"
	}
	return phone[:4] + "***" + phone[len(phone)-4:]
}
