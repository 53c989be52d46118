package events

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"lendgraph/store"
)

func ptr(n int64) *int64 { return &n }

func TestFilterSelectsWhatTheCallerMaySee(t *testing.T) {
	partners := store.Event{ApplicationID: 1, PartnerID: ptr(10), CustomerID: ptr(100)}
	mobile := store.Event{ApplicationID: 2, CustomerID: ptr(100)}
	another := store.Event{ApplicationID: 3, PartnerID: ptr(11), CustomerID: ptr(101)}
	anonymous := store.Event{ApplicationID: 4} // before the customer is known
	all := []store.Event{partners, mobile, another, anonymous}
	for name, c := range map[string]struct {
		filter Filter
		want   []store.Event
	}{
		"an employee: every application":        {Filter{}, all},
		"one application":                       {Filter{ApplicationID: 2}, []store.Event{mobile}},
		"a partner: its own":                    {Filter{PartnerID: ptr(10)}, []store.Event{partners}},
		"a customer: theirs, of any channel":    {Filter{CustomerID: ptr(100)}, []store.Event{partners, mobile}},
		"a partner's one application, not its":  {Filter{ApplicationID: 3, PartnerID: ptr(10)}, nil},
		"a customer not yet known sees nothing": {Filter{CustomerID: ptr(102)}, nil},
	} {
		var got []store.Event
		for _, ev := range all {
			if c.filter.matches(ev) {
				got = append(got, ev)
			}
		}
		assert.Equal(t, c.want, got, name)
	}
}

// TestASlowReaderIsToldToReplay: a subscriber whose live buffer is full is not blocked on and
// loses nothing: it is marked lagged, once, and re-reads the table.
func TestASlowReaderIsToldToReplay(t *testing.T) {
	s := &subscriber{live: make(chan store.Event, 2), lagged: make(chan struct{}, 1)}
	for id := int64(1); id <= 5; id++ {
		s.offer(store.Event{ID: id})
	}
	assert.Len(t, s.live, 2, "the buffer holds what fits")
	assert.Len(t, s.lagged, 1, "the overflow is one signal to replay, however many were dropped")
	assert.Equal(t, int64(1), (<-s.live).ID)
	assert.Equal(t, int64(2), (<-s.live).ID)
}
