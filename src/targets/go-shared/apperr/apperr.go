// Package apperr is the contract's one error shape, {"error":{"code","message"}}, and the
// mapping of everything a request can fail with onto it.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/go-playground/validator/v10"
	"github.com/jackc/pgx/v5/pgconn"
)

// Code is one of the contract's error codes (src/contract/openapi.yaml, ErrorCode).
type Code string

const (
	InvalidJSON          Code = "invalid_json"
	ValidationFailed     Code = "validation_failed"
	InvalidCursor        Code = "invalid_cursor"
	Unauthorized         Code = "unauthorized"
	NotFound             Code = "not_found"
	MethodNotAllowed     Code = "method_not_allowed"
	Conflict             Code = "conflict"
	PayloadTooLarge      Code = "payload_too_large"
	UnsupportedMediaType Code = "unsupported_media_type"
	BadGateway           Code = "bad_gateway"
	Internal             Code = "internal_error"
)

var statusOf = map[Code]int{
	InvalidJSON:          http.StatusBadRequest,
	ValidationFailed:     http.StatusBadRequest,
	InvalidCursor:        http.StatusBadRequest,
	Unauthorized:         http.StatusUnauthorized,
	NotFound:             http.StatusNotFound,
	MethodNotAllowed:     http.StatusMethodNotAllowed,
	Conflict:             http.StatusConflict,
	PayloadTooLarge:      http.StatusRequestEntityTooLarge,
	UnsupportedMediaType: http.StatusUnsupportedMediaType,
	BadGateway:           http.StatusBadGateway,
	Internal:             http.StatusInternalServerError,
}

// WWWAuthenticate goes with every 401.
const WWWAuthenticate = `Bearer realm="lab"`

// Error is a request's failure in contract terms.
type Error struct {
	Code    Code
	Message string
	// Allow is the `Allow` header of a 405.
	Allow string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status the code stands for.
func (e *Error) Status() int { return statusOf[e.Code] }

// New makes an Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Body is the JSON body of an error response.
type Body struct {
	Error BodyError `json:"error"`
}

// BodyError is the inner object of Body.
type BodyError struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// Body returns the response body of e.
func (e *Error) Body() Body { return Body{Error: BodyError{Code: e.Code, Message: e.Message}} }

const uniqueViolation = "23505"

// From maps any error a handler returns to the contract: an *Error as it is, a unique
// violation to 409, a body above its limit to 413, failed validation to 400. Anything else is
// a bug or an outage: logged on stderr (never on a benchmark path) and answered 500.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation {
		return New(Conflict, "a row with this unique key already exists (%s)", pgErr.ConstraintName)
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return New(PayloadTooLarge, "request body exceeds %d bytes", tooLarge.Limit)
	}
	var invalid validator.ValidationErrors
	if errors.As(err, &invalid) {
		return validationError(invalid)
	}
	fmt.Fprintf(os.Stderr, "internal error: %v\n", err)
	return New(Internal, "internal error")
}

// validationError names the first rule that failed, with the field path in JSON names
// (contract.NewValidator registers the tag-name function that makes them so).
func validationError(errs validator.ValidationErrors) *Error {
	fe := errs[0]
	field := fe.Namespace()
	// Drop the struct type name the namespace starts with: "BulkInsertBody.items[0].sku".
	for i := 0; i < len(field); i++ {
		if field[i] == '.' {
			field = field[i+1:]
			break
		}
	}
	if fe.Param() != "" {
		return New(ValidationFailed, "%s fails %s=%s", field, fe.Tag(), fe.Param())
	}
	return New(ValidationFailed, "%s fails %s", field, fe.Tag())
}
