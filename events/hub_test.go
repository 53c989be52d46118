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
			if c.filter.matches(&ev) {
				got = append(got, ev)
			}
		}
		assert.Equal(t, c.want, got, name)
	}
}

// read is what a read of new events returned: events with the given ids and the read's horizon.
func read(xmin, next int64, ids ...int64) ([]store.Event, store.Horizon) {
	evs := make([]store.Event, len(ids))
	for i, id := range ids {
		evs[i] = store.Event{ID: id}
	}
	return evs, store.Horizon{Xmin: xmin, Next: next}
}

func ids(evs []*store.Event) []int64 {
	got := []int64{}
	for _, ev := range evs {
		got = append(got, ev.ID)
	}
	return got
}

// TestTheWatermarkWaitsForMissingIDs: an event read above an id not committed yet is held back
// until that id commits, then both go out in id order.
func TestTheWatermarkWaitsForMissingIDs(t *testing.T) {
	s := &sequencer{mark: 10, seen: 10, missing: map[int64]int64{}, held: map[int64]*store.Event{}}
	assert.Equal(t, []int64{11}, ids(s.take(read(100, 105, 11, 13, 14))), "12 is missing: 13 and 14 wait")
	assert.Equal(t, int64(11), s.mark)
	assert.Equal(t, []int64{12}, s.missingIDs())
	assert.Equal(t, []int64{}, ids(s.take(read(103, 107))), "12's transaction may still be running")
	assert.Equal(t, []int64{12, 13, 14, 15}, ids(s.take(read(104, 108, 12, 15))), "12 came")
	assert.Equal(t, int64(15), s.mark)
	assert.Empty(t, s.held)
}

// TestARolledBackIDIsPassedOnceItsTransactionHasEnded: an id whose transaction rolled back never
// appears; the watermark passes it once every transaction running at the read that first missed
// it has ended, and not before.
func TestARolledBackIDIsPassedOnceItsTransactionHasEnded(t *testing.T) {
	s := &sequencer{mark: 10, seen: 10, missing: map[int64]int64{}, held: map[int64]*store.Event{}}
	assert.Equal(t, []int64{}, ids(s.take(read(100, 105, 12))))
	assert.Equal(t, []int64{}, ids(s.take(read(105, 106))), "Xmin 105: 11's transaction may be running")
	assert.Equal(t, []int64{12}, ids(s.take(read(106, 107))), "Xmin 106: every transaction begun before that read has ended")
	assert.Empty(t, s.missing)
	assert.Equal(t, int64(12), s.mark)
}

// TestASharedReadCutShortNeverMovesACursorBack: one-application requests served by one read that
// was cut short (historyLimit) reach the read's last id, or stay at their own cursor when the read
// stopped below it; a request never reaches back behind its cursor.
func TestASharedReadCutShortNeverMovesACursorBack(t *testing.T) {
	evs := []*store.Event{{ID: 5, ApplicationID: 1}, {ID: 9, ApplicationID: 1}}
	behind := &historyRequest{filter: Filter{ApplicationID: 1}, after: 0, upTo: 100, done: make(chan struct{})}
	ahead := &historyRequest{filter: Filter{ApplicationID: 2}, after: 50, upTo: 100, done: make(chan struct{})}
	behind.finish(evs, 9, nil)
	ahead.finish(nil, 9, nil)
	assert.Equal(t, int64(9), behind.upTo, "as far as the read went")
	assert.Equal(t, []int64{5, 9}, ids(behind.events))
	assert.Equal(t, int64(50), ahead.upTo, "not behind its cursor of 50")
	assert.Empty(t, ahead.events)
}
