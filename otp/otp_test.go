package otp

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lendgraph/store"
)

// TestIPMask: the spec's two examples (a netmask and a CIDR network) and the forms between them.
func TestIPMask(t *testing.T) {
	for _, c := range []struct {
		mask, caller, network string // network "": the rule does not cover the caller
	}{
		{"255.255.255.255", "203.0.113.7", "203.0.113.7/32"},        // a netmask alone: per caller address
		{"255.255.255.0", "203.0.113.7", "203.0.113.0/24"},          // per caller /24
		{"255.255.255.255", "2001:db8::1", "2001:db8::/64"},         // IPv6 caller: twice the bits
		{"255.255.255.255", "::ffff:203.0.113.7", "203.0.113.7/32"}, // an IPv4-mapped caller is IPv4
		{"192.22.22.12/32", "192.22.22.12", "192.22.22.12/32"},      // CIDR: the network as one
		{"192.22.22.12/32", "192.22.22.13", ""},                     // outside it
		{"10.1.2.3/8", "10.200.0.1", "10.0.0.0/8"},                  // host bits ignored
		{"10.0.0.0/255.0.0.0", "10.200.0.1", "10.0.0.0/8"},          // address/netmask
		{"192.22.22.12", "192.22.22.12", "192.22.22.12/32"},         // a plain address
		{"2001:db8::/32", "2001:db8:1::5", "2001:db8::/32"},         // IPv6 CIDR
		{"0.0.0.0", "198.51.100.1", "0.0.0.0/0"},                    // everyone together
	} {
		m, err := ParseIPMask(c.mask)
		require.NoError(t, err, c.mask)
		network, ok := m.Network(netip.MustParseAddr(c.caller))
		if c.network == "" {
			assert.False(t, ok, "%s covers %s", c.mask, c.caller)
			continue
		}
		require.True(t, ok, "%s does not cover %s", c.mask, c.caller)
		assert.Equal(t, c.network, network.String(), "%s for %s", c.mask, c.caller)
	}
	for _, bad := range []string{"300.1.1.1", "10.0.0.0/33", "10.0.0.0/255.0.255.0", "10.0.0.0/", "/8", "fe80::1%eth0", "host", "10.0.0.0/08"} {
		_, err := ParseIPMask(bad)
		assert.Error(t, err, bad)
	}
}

// TestGuessingDays: the default sign-in settings put a guesser more than a year away.
func TestGuessingDays(t *testing.T) {
	auth := store.OTPSettings{Length: 6, FailureLimit: 10, FailureWindowSeconds: 86400}
	assert.InDelta(t, 50000, GuessingDays(auth), 0.001) // 10^6 / 2 / 10 per day
	assert.Greater(t, GuessingDays(store.OTPSettings{Length: 4, FailureLimit: 10, FailureWindowSeconds: 86400}), 365.0)
	assert.Less(t, GuessingDays(store.OTPSettings{Length: 4, FailureLimit: 30, FailureWindowSeconds: 86400}), 365.0)
}
