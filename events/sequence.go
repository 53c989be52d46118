package events

import "lendgraph/store"

// sequencer turns reads of new events, which may see ids out of order, into a stream in id order
// with a watermark.
type sequencer struct {
	mark    int64                  // every id at or below it is delivered or never will exist
	seen    int64                  // the highest id read
	missing map[int64]int64        // ids between mark and seen not read yet → the Next of the read that first missed them
	held    map[int64]*store.Event // events read above a missing id, waiting for it
}

// missingIDs are the ids a read must look for besides the new ones.
func (s *sequencer) missingIDs() []int64 {
	ids := make([]int64, 0, len(s.missing))
	for id := range s.missing {
		ids = append(ids, id)
	}
	return ids
}

// take records what a read returned (events in id order, with the read's horizon) and returns the
// events the watermark now covers, in id order. An id missing from a read belongs to a transaction
// begun before that read (store.Horizon): once the horizon's Xmin has passed that read's Next, the
// transaction has ended, and an id it committed would be in this read.
func (s *sequencer) take(evs []store.Event, hz store.Horizon) []*store.Event {
	for i := range evs {
		ev := &evs[i]
		if ev.ID > s.seen {
			for id := s.seen + 1; id < ev.ID; id++ {
				s.missing[id] = hz.Next
			}
			s.seen = ev.ID
		} else {
			delete(s.missing, ev.ID)
		}
		s.held[ev.ID] = ev
	}
	for id, next := range s.missing {
		if hz.Xmin > next {
			delete(s.missing, id) // rolled back: never to appear
		}
	}
	var ready []*store.Event
	for s.mark < s.seen {
		next := s.mark + 1
		if _, waiting := s.missing[next]; waiting {
			break
		}
		if ev, ok := s.held[next]; ok {
			ready = append(ready, ev)
			delete(s.held, next)
		}
		s.mark = next
	}
	return ready
}
