package clickref

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// stripe-dotnet's known-answer vector (tests/data/README.md).
const (
	vectorSecret = "webhook_secret"
	vectorHeader = "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7," +
		"v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef"
)

var vectorNow = time.Unix(1533204720, 0)

func vectorPayload(t *testing.T) []byte {
	t.Helper()
	payload, err := os.ReadFile(filepath.Join("..", "..", "tests", "data", "stripe-signature-vector-payload.json"))
	if err != nil || len(payload) != 484 {
		t.Fatalf("vector payload: %d bytes, %v", len(payload), err)
	}
	return payload
}

// handSignedHeader is what Stripe sends, computed with the standard library only.
func handSignedHeader(payload []byte, secret string, timestamp int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", timestamp)
	mac.Write(payload)
	return fmt.Sprintf("t=%d,v1=%s", timestamp, hex.EncodeToString(mac.Sum(nil)))
}

func TestVerifySignatureKnownAnswer(t *testing.T) {
	if err := VerifySignature(vectorPayload(t), vectorHeader, []string{vectorSecret}, WithNow(vectorNow)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifySignatureFailures(t *testing.T) {
	payload := vectorPayload(t)
	decoyOnly := "t=1533204620,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef"
	cases := []struct {
		name    string
		payload []byte
		header  string
		secrets []string
		opts    []VerifyOption
		want    error
	}{
		{"too old", payload, vectorHeader, []string{vectorSecret}, []VerifyOption{WithNow(time.Unix(1533205021, 0))}, ErrTimestampTooOld},
		{"changed payload", payload[:483], vectorHeader, []string{vectorSecret}, nil, ErrSignatureMismatch},
		{"wrong secret", payload, vectorHeader, []string{"whsec_wrong"}, nil, ErrSignatureMismatch},
		{"no header", payload, "", []string{vectorSecret}, nil, ErrMissingHeader},
		{"malformed", payload, "t=soon,v1=00", []string{vectorSecret}, nil, ErrMalformedHeader},
		{"decoy v0 only", payload, decoyOnly, []string{vectorSecret}, nil, ErrNoV1Signature},
		{"empty payload", nil, vectorHeader, []string{vectorSecret}, nil, ErrEmptyPayload},
		{"future", payload, vectorHeader, []string{vectorSecret}, []VerifyOption{WithNow(time.Unix(1533200000, 0)), RejectFuture()}, ErrTimestampInFuture},
		{"no secret", payload, vectorHeader, nil, nil, ErrInvalidArgument},
		{"rotation, none matches", payload, vectorHeader, []string{"a", "b"}, nil, ErrSignatureMismatch},
	}
	for _, c := range cases {
		opts := append([]VerifyOption{WithNow(vectorNow)}, c.opts...)
		err := VerifySignature(c.payload, c.header, c.secrets, opts...)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

func TestVerifySignatureOptions(t *testing.T) {
	payload := vectorPayload(t)
	for name, opts := range map[string][]VerifyOption{
		"wider tolerance":       {WithNow(time.Unix(1533205021, 0)), WithTolerance(1000 * time.Second)},
		"no age check":          {WithNow(time.Unix(2000000000, 0)), WithTolerance(0)},
		"future accepted":       {WithNow(time.Unix(1533200000, 0))},
		"rotation":              {WithNow(vectorNow)},
		"default clock, no age": {WithTolerance(-1)},
	} {
		secrets := []string{vectorSecret}
		if name == "rotation" {
			secrets = []string{"whsec_new", vectorSecret}
		}
		if err := VerifySignature(payload, vectorHeader, secrets, opts...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestVerifySignatureDefaultsToTheClock(t *testing.T) {
	payload := []byte(`{"id":"evt_now"}`)
	if err := VerifySignature(payload, handSignedHeader(payload, "whsec_x", time.Now().Unix()), []string{"whsec_x"}); err != nil {
		t.Error(err)
	}
	stale := handSignedHeader(payload, "whsec_x", time.Now().Add(-time.Hour).Unix())
	if err := VerifySignature(payload, stale, []string{"whsec_x"}); !errors.Is(err, ErrTimestampTooOld) {
		t.Errorf("stale header: %v", err)
	}
}

func TestHandComputedHMACVerifies(t *testing.T) {
	payload := []byte("{\"id\":\"evt_hand\",\"object\":\"event\"}\n")
	header := handSignedHeader(payload, "whsec_hand", 1700000000)
	if err := VerifySignature(payload, header, []string{"whsec_hand"}, WithNow(time.Unix(1700000010, 0))); err != nil {
		t.Error(err)
	}
}

func TestVerifier(t *testing.T) {
	payload := vectorPayload(t)
	v, err := NewVerifier([]string{"whsec_new", vectorSecret}, WithTolerance(300*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ { // shared between goroutines
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				if err := v.VerifyAt(payload, vectorHeader, vectorNow); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := v.VerifyAt(payload, vectorHeader, time.Unix(1533205021, 0)); !errors.Is(err, ErrTimestampTooOld) {
		t.Errorf("too old: %v", err)
	}
	if err := v.Verify(payload, vectorHeader); !errors.Is(err, ErrTimestampTooOld) {
		t.Errorf("Verify uses the clock: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Error(err)
	}
	if err := v.VerifyAt(payload, vectorHeader, vectorNow); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("after Close: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	strict, err := NewVerifier([]string{vectorSecret}, RejectFuture())
	if err != nil {
		t.Fatal(err)
	}
	if err := strict.VerifyAt(payload, vectorHeader, time.Unix(1533200000, 0)); !errors.Is(err, ErrTimestampInFuture) {
		t.Errorf("reject future: %v", err)
	}
	strict = nil
	runtime.GC() // the finalizer frees a verifier that was never closed
}

func TestNewVerifierRejectsBadSecrets(t *testing.T) {
	for _, secrets := range [][]string{nil, {}, {"whsec_ok", ""}} {
		if _, err := NewVerifier(secrets); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%q: %v", secrets, err)
		}
	}
}

func TestSignPayload(t *testing.T) {
	got, err := SignPayload(vectorPayload(t), vectorSecret, time.Unix(1533204620, 0))
	if want := "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7"; got != want || err != nil {
		t.Errorf("SignPayload = %q, %v; want %q", got, err, want)
	}
	payload := []byte("{\"amount\": \"1 \u20ac\"}")
	if got, _ := SignPayload(payload, "whsec_\u00e9", time.Unix(0, 0)); got != handSignedHeader(payload, "whsec_\u00e9", 0) {
		t.Errorf("SignPayload disagrees with crypto/hmac: %q", got)
	}
	if _, err := SignPayload(payload, "s", time.Unix(-1, 0)); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("negative timestamp: %v", err)
	}
}
