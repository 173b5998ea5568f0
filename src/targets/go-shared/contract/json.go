// Package contract holds the contract's input rules, framework-neutral: strict JSON decoding,
// request body types with their validation tags, and query/path parameter parsing. Gin binds
// and validates with them natively (its `binding` tags); Fiber calls the same validator.
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"backendlab/goshared/apperr"
)

// DecodeStrict decodes exactly one JSON value from data into v, the way JSON.parse and the
// Node targets' schemas do: unknown object properties are a validation failure, numbers keep
// their exact text (json.Number) where v holds `any`, and anything after the value makes the
// body invalid JSON (json.Decoder alone would ignore trailing data).
func DecodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.New(apperr.InvalidJSON, "request body is not valid JSON: data after the value")
	}
	return nil
}

// decodeError tells syntax errors (400 invalid_json) from well-formed JSON of the wrong shape
// (400 validation_failed).
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return apperr.New(apperr.InvalidJSON, "request body is not valid JSON: %v", syntax)
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.InvalidJSON, "request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.InvalidJSON, "request body is not valid JSON: unexpected end")
	case errors.As(err, &wrongType):
		if wrongType.Field == "" {
			return apperr.New(apperr.ValidationFailed, "body must be a JSON object")
		}
		return apperr.New(apperr.ValidationFailed, "%s must be %s, got %s", wrongType.Field, wrongType.Type, wrongType.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no error type for DisallowUnknownFields.
		return apperr.New(apperr.ValidationFailed, "unknown property %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return err
}

// ReadBody reads a request body whose reader may fail: past its limit (413, kept as the
// *http.MaxBytesError), past the server's read timeout (kept as os.ErrDeadlineExceeded: the
// server's 408), or cut short by the client (400: not a server error).
func ReadBody(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(body)
	if err != nil && !KeepReadError(err) {
		return nil, apperr.New(apperr.ValidationFailed, "request body was incomplete: %v", err)
	}
	return data, err
}

// KeepReadError says whether a body read error must reach the error handler as it is rather than
// as the client's malformed input: a body above its limit (413), or one that did not arrive
// within the server's read timeout (408).
func KeepReadError(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge) || errors.Is(err, os.ErrDeadlineExceeded)
}

// DecodeObject decodes a body that must be a JSON object of any content (POST /echo).
func DecodeObject(data []byte) (map[string]any, error) {
	var object map[string]any
	if err := DecodeStrict(data, &object); err != nil {
		return nil, err
	}
	if object == nil { // the body was `null`
		return nil, apperr.New(apperr.ValidationFailed, "body must be a JSON object")
	}
	return object, nil
}

// IsMediaType says whether a Content-Type header names mediaType (parameters ignored).
func IsMediaType(header, mediaType string) bool {
	value, _, _ := strings.Cut(header, ";")
	return strings.EqualFold(strings.TrimSpace(value), mediaType)
}

// CheckJSONRequest is the 415 rule of JSON routes: `application/json`, no content coding (a
// compressed body would dodge the 1 MiB limit until it is inflated).
func CheckJSONRequest(contentType, contentEncoding string) error {
	if !IsMediaType(contentType, "application/json") {
		return apperr.New(apperr.UnsupportedMediaType, "expected application/json")
	}
	if contentEncoding != "" && !strings.EqualFold(contentEncoding, "identity") {
		return apperr.New(apperr.UnsupportedMediaType, "content encoding %q is not supported", contentEncoding)
	}
	return nil
}

// MultipartBoundary is the 415/400 rule of POST /upload: multipart/form-data with a boundary.
func MultipartBoundary(contentType string) (string, error) {
	if !IsMediaType(contentType, "multipart/form-data") {
		return "", apperr.New(apperr.UnsupportedMediaType, "expected multipart/form-data")
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return "", apperr.New(apperr.ValidationFailed, "malformed multipart Content-Type (boundary missing?)")
	}
	return params["boundary"], nil
}
