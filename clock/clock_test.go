package clock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSetAndAdvance(t *testing.T) {
	c := Wall()
	assert.WithinDuration(t, time.Now(), c.Now(), time.Second, "a new clock shows the wall clock's time")

	leap := time.Date(2028, 2, 28, 23, 59, 0, 0, time.UTC)
	c.Set(leap)
	got := c.Now()
	assert.False(t, got.Before(leap), "set: not before the time it was set to")
	assert.WithinDuration(t, leap, got, time.Second)

	c.Advance(time.Minute)
	assert.Equal(t, "2028-02-29", c.Now().UTC().Format(time.DateOnly), "a minute after 23:59 on 28 February 2028 is 29 February")
	c.Advance(24 * time.Hour)
	assert.Equal(t, "2028-03-01", c.Now().UTC().Format(time.DateOnly))
}

func TestRunsAtTheWallClocksPace(t *testing.T) {
	c := Wall()
	c.Set(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	first := c.Now()
	time.Sleep(20 * time.Millisecond)
	second := c.Now()
	assert.GreaterOrEqual(t, second.Sub(first), 20*time.Millisecond, "the set clock keeps running, so orderings by time still hold")
}
