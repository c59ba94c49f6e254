package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"caseflow"
)

// HashToken is the SHA-256 of an API token, as stored in users.token_hash.
// Tokens are random, so a plain hash is enough: no salt, no slow hash.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// NewToken returns a new API token: 32 random bytes, base64url. It is shown
// to its user once; only its hash is stored.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

const userKey = "caseflow.user"

// allow authenticates the caller by bearer token and lets them through only
// if their role is one of roles.
func (s *Server) allow(roles []caseflow.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
			token = strings.TrimSpace(token)
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				return caseflow.Errorf(caseflow.EUNAUTHORIZED, "send an API token: Authorization: Bearer <token>")
			}
			u, err := s.store.UserByTokenHash(c.Request().Context(), HashToken(token))
			if caseflow.ErrorCode(err) == caseflow.ENOTFOUND {
				return caseflow.Errorf(caseflow.EUNAUTHORIZED, "the API token is not known")
			}
			if err != nil {
				return err
			}
			if !slices.Contains(roles, u.Role) {
				return caseflow.Errorf(caseflow.EFORBIDDEN, "your role (%s) may not do this: it needs one of the roles %s", u.Role, list(roles))
			}
			c.Set(userKey, u)
			return next(c)
		}
	}
}

// user is the caller that allow let through.
func user(c echo.Context) caseflow.User { return c.Get(userKey).(caseflow.User) }
