package auth

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"backendlab/goshared/apperr"
	"backendlab/goshared/store"
)

// Principal is who a request is on behalf of (scenario 16's /me answers, 19's post owner).
type Principal struct {
	Subject string `json:"subject"`
	Email   string `json:"email"`
}

// Anonymous is GET /auth/public's answer: the same shape, no one.
type Anonymous struct {
	Subject *string `json:"subject"`
	Email   *string `json:"email"`
}

// Token is the answer of both logins.
type Token struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expiresIn"`
}

// CheckCredentials is the check both logins share (src/targets/shared/login.ts): the author with
// this email (one statement) and its scrypt hash. An unknown email and a wrong password are the
// same 401. An email with U+0000 matches no account and never reaches PostgreSQL (which cannot
// take it in a text parameter).
func CheckCredentials(ctx context.Context, accounts *store.Accounts, email, password string) (Principal, error) {
	refused := apperr.New(apperr.Unauthorized, "invalid email or password")
	if strings.ContainsRune(email, 0) {
		return Principal{}, refused
	}
	account, found, err := accounts.ByEmail(ctx, email)
	if err != nil {
		return Principal{}, err
	}
	if !found || !VerifyPassword(password, account.PasswordHash) {
		return Principal{}, refused
	}
	return Principal{Subject: strconv.FormatInt(account.ID, 10), Email: account.Email}, nil
}

// loginClaims are the claims of a login JWT: sub, email, iat, exp.
type loginClaims struct {
	jwt.RegisteredClaims
	Email string `json:"email"`
}

// Issue is POST /auth/jwt/login's token: HS256, `exp = iat + ttl`.
func (v *Verifier) Issue(p Principal, ttl int) (string, error) {
	now := time.Now().Truncate(time.Second)
	claims := loginClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   p.Subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Duration(ttl) * time.Second)),
		},
		Email: p.Email,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(v.key)
}

// Principal is GET /auth/jwt/me's check: as Subject's (HS256, signature, exp, sub) plus a
// non-empty string `email` claim; 401 otherwise.
func (v *Verifier) Principal(header string) (Principal, error) {
	token, err := BearerToken(header)
	if err != nil {
		return Principal{}, err
	}
	var claims loginClaims
	if _, err := v.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.key, nil }); err != nil {
		return Principal{}, apperr.New(apperr.Unauthorized, "invalid token: %v", err)
	}
	if claims.Subject == "" || claims.Email == "" {
		return Principal{}, apperr.New(apperr.Unauthorized, "invalid token: sub and email are required")
	}
	return Principal{Subject: claims.Subject, Email: claims.Email}, nil
}
