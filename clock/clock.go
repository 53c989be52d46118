// Package clock is the time the business runs on: the day an application expires, the day a loan
// opens and accrues, when a job falls due. Production reads the wall clock. A test sets a Clock to
// the dates it needs (a month end, 29 February, a year of 366 days) and moves it on, and every
// service, job and accrual follows, whatever the date it runs on.
//
// Code lifetimes, rate limits and tokens stay on the wall clock: they guard against real callers
// over real time.
package clock

import (
	"sync"
	"time"
)

// Clock is a clock that can be set and moved forward. From the time it was last set to, it runs at
// the wall clock's pace, so that waits and orderings inside a test still hold.
type Clock struct {
	mu   sync.Mutex
	at   time.Time // the time it was set to
	wall time.Time // the wall clock's reading then
}

// Wall returns a Clock showing the wall clock's time until it is set.
func Wall() *Clock {
	now := time.Now()
	return &Clock{at: now, wall: now}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at.Add(time.Since(c.wall))
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.wall = t, time.Now()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}
