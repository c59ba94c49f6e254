// Package token signs the links in customer emails: each token is bound to
// one purpose and one case, expires, and cannot be forged without the secret.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

var (
	ErrInvalid = errors.New("this link is not valid")
	ErrExpired = errors.New("this link has expired")
)

var enc = base64.RawURLEncoding

// Sign returns a URL-safe token for subject (a case number, say) and purpose
// ("c" for the case page, "s" for a survey) that is valid until expires.
func Sign(secret []byte, purpose, subject string, expires time.Time) string {
	payload := purpose + "|" + subject + "|" + strconv.FormatInt(expires.Unix(), 10)
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(mac(secret, payload))
}

// Verify checks a token for purpose and returns its subject.
func Verify(secret []byte, purpose, tok string, now time.Time) (string, error) {
	body, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return "", ErrInvalid
	}
	payload, err1 := enc.DecodeString(body)
	got, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, mac(secret, string(payload))) {
		return "", ErrInvalid
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 3 || parts[0] != purpose {
		return "", ErrInvalid
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", ErrInvalid
	}
	if now.Unix() >= exp {
		return "", ErrExpired
	}
	return parts[1], nil
}

func mac(secret []byte, payload string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(payload))
	return h.Sum(nil)
}
