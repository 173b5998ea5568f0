package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"time"

	"backendlab/goshared/apperr"
)

// The opaque cursor of GET /db/users/cursor, byte for byte the Node layers' (src/data/errors.ts):
// base64url without padding of the JSON array [createdAtIso, id] of a page's last row.

var cursorPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

// EncodeCursor is the cursor after the row (createdAt, id).
func EncodeCursor(createdAt string, id int64) string {
	data, _ := json.Marshal([]any{createdAt, id}) // a string and an integer always marshal
	return base64.RawURLEncoding.EncodeToString(data)
}

// DecodeCursor accepts exactly what EncodeCursor produces: anything else, including a
// well-formed cursor with another content, is 400 invalid_cursor.
func DecodeCursor(cursor string) (time.Time, int64, error) {
	invalid := apperr.New(apperr.InvalidCursor, "invalid cursor")
	if !cursorPattern.MatchString(cursor) {
		return time.Time{}, 0, invalid
	}
	data, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return time.Time{}, 0, invalid
	}
	var parts []json.RawMessage
	if json.Unmarshal(data, &parts) != nil || len(parts) != 2 {
		return time.Time{}, 0, invalid
	}
	var createdAt string
	var id json.Number
	// json.Number would also take a string holding a number; the id must be a JSON number.
	if bytes.HasPrefix(parts[1], []byte(`"`)) ||
		json.Unmarshal(parts[0], &createdAt) != nil || json.Unmarshal(parts[1], &id) != nil {
		return time.Time{}, 0, invalid
	}
	// JSON numbers such as 7.0 are integers too (JavaScript made the cursor).
	number, err := strconv.ParseFloat(id.String(), 64)
	if err != nil || number < 0 || number > 1<<53-1 || number != math.Trunc(number) {
		return time.Time{}, 0, invalid
	}
	at, err := time.Parse(isoLayout, createdAt)
	if err != nil || ISOTime(at) != createdAt {
		return time.Time{}, 0, invalid
	}
	return at, int64(number), nil
}
