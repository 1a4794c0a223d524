package clickref

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var headerPath = filepath.Join("..", "..", "include", "clickref", "clickref.h")

func readHeader(t *testing.T) string {
	t.Helper()
	text, err := os.ReadFile(headerPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

func TestVersions(t *testing.T) {
	header := readHeader(t)
	var parts []string
	for _, p := range []string{"MAJOR", "MINOR", "PATCH"} {
		parts = append(parts, regexp.MustCompile(`#define CLICKREF_VERSION_` + p + ` (\d+)`).FindStringSubmatch(header)[1])
	}
	if got, want := Version(), strings.Join(parts, "."); got != want {
		t.Errorf("Version() = %q, want %q", got, want)
	}
	if LibraryABIVersion() != 2 || ABIVersion != 2 {
		t.Errorf("ABI versions: library %d, package %d, want 2", LibraryABIVersion(), ABIVersion)
	}
}

// Every function of the C ABI is called by the package (goada once shipped a
// wrapper that called the wrong C function: each one also has its own test).
func TestEveryCFunctionIsBound(t *testing.T) {
	header := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(readHeader(t), "")
	names := regexp.MustCompile(`CLICKREF_API\b[^;(]*?\b(clickref_\w+)\s*\(`).FindAllStringSubmatch(header, -1)
	if len(names) != 25 {
		t.Fatalf("found %d functions in clickref.h, want 25", len(names))
	}
	var sources strings.Builder
	for _, pattern := range []string{"*.go", "*.c"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			text, _ := os.ReadFile(f)
			sources.Write(text)
		}
	}
	for _, name := range names {
		if !regexp.MustCompile(`(C\.|return |\b)` + name[1] + `\(`).MatchString(sources.String()) {
			t.Errorf("%s is never called", name[1])
		}
	}
}

func TestSentinelsCoverEveryStatus(t *testing.T) {
	sentinels := map[string]*Error{}
	for _, e := range []*Error{ErrInvalidArgument, ErrBufferTooSmall, ErrNoMemory, ErrInternal, ErrNotFound,
		ErrMissingHeader, ErrMalformedHeader, ErrNoV1Signature, ErrSignatureMismatch, ErrTimestampTooOld,
		ErrTimestampInFuture, ErrEmptyPayload, ErrJSON, ErrNotAnEvent, ErrUnsupportedEvent, ErrJSONTooDeep,
		ErrBadField, ErrInvalidClickID, ErrBadEncoding, ErrInvalidURL} {
		sentinels[e.Status] = e
	}
	statuses := regexp.MustCompile(`\b(CLICKREF_E_\w+) = (\d+)`).FindAllStringSubmatch(readHeader(t), -1)
	if len(statuses) != len(sentinels) {
		t.Errorf("%d statuses in clickref.h, %d sentinels", len(statuses), len(sentinels))
	}
	for _, s := range statuses {
		code, _ := strconv.Atoi(s[2])
		e, ok := sentinels[s[1]]
		if !ok || e.Code != code || !strings.HasSuffix(e.Message, ".") {
			t.Errorf("sentinel for %s = %+v", s[1], e)
		}
	}
}

func TestErrorsIs(t *testing.T) {
	err := error(&Error{Status: "CLICKREF_E_SIG_MISMATCH", Code: 13, Offset: 5})
	if !errors.Is(err, ErrSignatureMismatch) || errors.Is(err, ErrTimestampTooOld) {
		t.Error("errors.Is must compare status codes")
	}
	var typed *Error
	if !errors.As(err, &typed) || typed.Offset != 5 {
		t.Error("errors.As must reach the *Error")
	}
	if got := newError(13, 7).Error(); got != "clickref: No v1 signature matches the payload for any configured secret. (CLICKREF_E_SIG_MISMATCH, at byte 7)" {
		t.Errorf("Error() = %q", got)
	}
	if got := newError(9999, 0).Status; got != "CLICKREF_E_UNKNOWN" {
		t.Errorf("unknown status name = %q", got)
	}
}
