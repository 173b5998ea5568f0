package contract

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
)

// Int32 is a JSON integer that fits an int32, as the contract's schemas mean `integer`: any JSON
// number without a fractional part, so 7.0 and 7e0 are 7 (what JSON.parse, and so the Node
// targets, make of them), while 7.5, "7" and true are no integers. encoding/json alone refuses
// 7.0 for an int32.
type Int32 int32

// UnmarshalJSON decodes a JSON number with an integral value in int32's range. The decoder hands
// it one well-formed JSON value, never null (a nil pointer stays nil).
func (n *Int32) UnmarshalJSON(data []byte) error {
	if value, err := strconv.ParseInt(string(data), 10, 32); err == nil {
		*n = Int32(value)
		return nil
	}
	if isNumber(data) {
		value, err := strconv.ParseFloat(string(data), 64)
		if err == nil && value == math.Trunc(value) && value >= math.MinInt32 && value <= math.MaxInt32 {
			*n = Int32(value)
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: jsonKind(data), Type: reflect.TypeFor[int32]()}
}

// isNumber says whether a well-formed JSON value is a number.
func isNumber(data []byte) bool {
	return len(data) > 0 && (data[0] == '-' || (data[0] >= '0' && data[0] <= '9'))
}

// jsonKind names a JSON value as encoding/json's errors do ("number 7.5", "string").
func jsonKind(data []byte) string {
	if isNumber(data) {
		return "number " + string(data)
	}
	switch data[0] {
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case '[':
		return "array"
	case '{':
		return "object"
	}
	return string(data)
}
