package domain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizePhone(t *testing.T) {
	for raw, want := range map[string]string{
		"79010000001":        "79010000001",
		"89010000001":        "79010000001",
		"+7 (901) 000-00-01": "79010000001",
		"8 901 000 00 01":    "79010000001",
	} {
		got, err := NormalizePhone(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
	}
	for _, raw := range []string{"", "7901000001", "790100000012", "69010000001", "7901000000a", "+1 (901) 000-00-01", "7901000000١"} {
		_, err := NormalizePhone(raw)
		assert.Equal(t, CodeInvalid, ErrorCode(err), raw)
	}
}

func TestMaskPhone(t *testing.T) {
	assert.Equal(t, "7901***0001", MaskPhone("79010000001"))
	assert.Equal(t, "***", MaskPhone("123"))
}

func TestErrors(t *testing.T) {
	err := Errorf(CodeOTPInvalid, "wrong code: %d attempts left", 2)
	assert.Equal(t, CodeOTPInvalid, ErrorCode(err))
	assert.Equal(t, "wrong code: 2 attempts left", ErrorMessage(err))
	assert.Equal(t, CodeInternal, ErrorCode(assert.AnError))
	assert.Equal(t, "internal error", ErrorMessage(assert.AnError))
}
