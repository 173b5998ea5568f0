package contract

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"backendlab/goshared/apperr"
)

// Range is the rule of one integer query or path parameter.
type Range struct {
	Min, Max int64
	// Default applies when the parameter is absent; nil means it is required.
	Default *int64
}

func def(value int64) *int64 { return &value }

// The contract's integer parameters (docs/contract.md; src/data/http/db-routes.ts).
var (
	Limit     = Range{Min: 1, Max: 100, Default: def(20)}
	Offset    = Range{Min: 0, Max: 10_000_000, Default: def(0)}
	UserID    = Range{Min: 1, Max: 2_147_483_647}
	ProductID = Range{Min: 1, Max: 2_147_483_647}
	Size      = Range{Min: 1, Max: 100, Default: def(20)}
	// Skip is `skip` and `after`: 0 to 2^53−1.
	Skip = Range{Min: 0, Max: 1<<53 - 1, Default: def(0)}
)

// Query reads one query parameter: its value and whether it is present (Gin's c.GetQuery).
type Query func(name string) (string, bool)

// Int parses a strict decimal integer (no sign but '-', no spaces, no exponent, at most 16
// digits, as the Node targets' /^-?\d{1,16}$/) within r; anything else is 400.
func Int(name, raw string, present bool, r Range) (int64, error) {
	if !present && r.Default != nil {
		return *r.Default, nil
	}
	digits := strings.TrimPrefix(raw, "-")
	if len(digits) == 0 || len(digits) > 16 || strings.ContainsFunc(digits, func(c rune) bool { return c < '0' || c > '9' }) {
		return 0, apperr.New(apperr.ValidationFailed, "%s must be an integer", name)
	}
	value, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || value < r.Min || value > r.Max {
		return 0, apperr.New(apperr.ValidationFailed, "%s must be between %d and %d", name, r.Min, r.Max)
	}
	return value, nil
}

// QueryInt is Int over a query parameter.
func QueryInt(q Query, name string, r Range) (int64, error) {
	raw, present := q(name)
	return Int(name, raw, present, r)
}

// PathInt is Int over a path parameter (always present).
func PathInt(name, raw string, r Range) (int64, error) { return Int(name, raw, true, r) }

// OneOf reads a required query parameter that must be one of valid.
func OneOf(q Query, name string, valid []string) (string, error) {
	raw, _ := q(name)
	if !slices.Contains(valid, raw) {
		return "", apperr.New(apperr.ValidationFailed, "%s must be one of %s", name, strings.Join(valid, ", "))
	}
	return raw, nil
}

// cursorShape is the contract's `Cursor`: base64url, 8 to 128 characters. Whether one decodes to
// a position is the data layer's question (400 invalid_cursor).
var cursorShape = regexp.MustCompile(`^[A-Za-z0-9_-]{8,128}$`)

// CheckCursor is the 400 validation_failed rule of the `cursor` query parameter.
func CheckCursor(raw string) error {
	if !cursorShape.MatchString(raw) {
		return apperr.New(apperr.ValidationFailed, "cursor must be base64url of 8 to 128 characters")
	}
	return nil
}
