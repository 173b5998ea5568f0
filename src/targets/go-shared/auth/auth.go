// Package auth is the bearer-token check of GET /protected: an HS256 JWT signed with
// LAB_AUTH_SECRET with `exp` and `sub` required (src/targets/shared/auth.ts).
package auth

import (
	"regexp"

	"github.com/golang-jwt/jwt/v5"

	"backendlab/goshared/apperr"
)

var bearer = regexp.MustCompile(`^Bearer ([A-Za-z0-9._~+/-]+=*)$`)

// BearerToken is the token of an `Authorization: Bearer <token>` header; 401 when it is missing
// or malformed.
func BearerToken(header string) (string, error) {
	if header == "" {
		return "", apperr.New(apperr.Unauthorized, "missing bearer token")
	}
	match := bearer.FindStringSubmatch(header)
	if match == nil {
		return "", apperr.New(apperr.Unauthorized, "malformed Authorization header")
	}
	return match[1], nil
}

// Verifier checks bearer tokens against one secret.
type Verifier struct {
	key    []byte
	parser *jwt.Parser
}

// NewVerifier accepts HS256 only (never `alg: none`), with an expiry required and no leeway.
func NewVerifier(secret string) *Verifier {
	return &Verifier{
		key:    []byte(secret),
		parser: jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()),
	}
}

// Subject returns the `sub` of a valid token in an Authorization header; 401 otherwise.
func (v *Verifier) Subject(header string) (string, error) {
	token, err := BearerToken(header)
	if err != nil {
		return "", err
	}
	var claims jwt.RegisteredClaims
	if _, err := v.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.key, nil }); err != nil {
		return "", apperr.New(apperr.Unauthorized, "invalid token: %v", err)
	}
	if claims.Subject == "" {
		return "", apperr.New(apperr.Unauthorized, "invalid token: sub is required")
	}
	return claims.Subject, nil
}
