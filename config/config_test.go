package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	require.NoError(t, err)
	assert.Equal(t, "8080", c.Port)
	assert.False(t, c.Production())
	assert.True(t, c.DemoData, "development loads demo data")
	assert.Equal(t, ".data", c.DataDir)
	assert.Equal(t, time.Hour, c.TokenTTL)
	assert.Equal(t, 5*time.Second, c.DBQueryTimeout)
	assert.Equal(t, 10*time.Second, c.HTTPReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, c.HTTPBodyTimeout)
	assert.Equal(t, 2*time.Minute, c.HTTPUploadTimeout)
	assert.Equal(t, time.Minute, c.HTTPWriteTimeout)
	assert.Equal(t, 2*time.Minute, c.HTTPIdleTimeout)
	assert.Equal(t, 10*time.Second, c.WSInitTimeout)
	assert.Equal(t, 15*time.Second, c.WSPingInterval)
	assert.Equal(t, 20, c.WSMaxSubscriptions)
	assert.Equal(t, 100, c.MaxCallerSubscriptions)
}

func TestProduction(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"APP_ENV": "production", "DATABASE_URL": "postgres://x"}))
	assert.EqualError(t, err, "production needs JWT_SIGNING_KEY or JWT_SIGNING_KEY_FILE")
	_, err = FromEnv(env(map[string]string{"APP_ENV": "production", "JWT_SIGNING_KEY_FILE": "/k.pem"}))
	assert.EqualError(t, err, "production needs DATABASE_URL")
	c, err := FromEnv(env(map[string]string{"APP_ENV": "production", "DATABASE_URL": "postgres://x", "JWT_SIGNING_KEY_FILE": "/k.pem"}))
	require.NoError(t, err)
	assert.False(t, c.DemoData, "production loads no demo data unless asked")
}

func TestBadValues(t *testing.T) {
	for vars, want := range map[[2]string]string{
		{"DB_MAX_OPEN_CONNS", "many"}:       `DB_MAX_OPEN_CONNS="many": want a whole number ≥ 0`,
		{"TOKEN_TTL", "-1h"}:                `TOKEN_TTL="-1h": want a positive duration such as 30s or 5m`,
		{"DEMO_DATA", "sometimes"}:          `DEMO_DATA="sometimes": want true or false`,
		{"APP_ENV", "staging"}:              `APP_ENV must be development or production, not "staging"`,
		{"OIDC_ISSUER", "https://kc/realm"}: "OIDC_ISSUER and OIDC_JWKS_URL go together",
	} {
		_, err := FromEnv(env(map[string]string{vars[0]: vars[1]}))
		assert.EqualError(t, err, want, vars[0])
	}
}
