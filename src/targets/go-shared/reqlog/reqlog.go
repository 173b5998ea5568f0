// Package reqlog is the request-logging middleware's sink of scenario 06: an in-memory ring
// buffer of 10,000 entries, so the scenario measures the middleware chain, not terminal I/O.
package reqlog

import (
	"sync"
	"time"
)

// Entry is one logged request.
type Entry struct {
	Method     string
	Path       string
	Status     int
	DurationMs float64
}

// Capacity is the ring buffer's size (docs/contract.md).
const Capacity = 10_000

// Log is safe for concurrent use: handlers run on many goroutines.
type Log struct {
	mu      sync.Mutex
	entries []Entry
	next    int
}

// New makes an empty log.
func New() *Log { return &Log{entries: make([]Entry, 0, Capacity)} }

// Append records one finished request, overwriting the oldest once full.
func (l *Log) Append(method, path string, status int, elapsed time.Duration) {
	entry := Entry{Method: method, Path: path, Status: status, DurationMs: float64(elapsed) / float64(time.Millisecond)}
	l.mu.Lock()
	if len(l.entries) < Capacity {
		l.entries = append(l.entries, entry)
	} else {
		l.entries[l.next] = entry
	}
	l.next = (l.next + 1) % Capacity
	l.mu.Unlock()
}

// Size is the number of entries held (≤ Capacity).
func (l *Log) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
